// Preloaded into Azurite (`node --require tools/exit-with-parent.cjs azurite.js ...`) by the
// development launcher and the test fixtures: they hold Azurite's stdin open, so when they die,
// even by SIGKILL, the pipe closes and Azurite exits instead of lingering on its ports.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
