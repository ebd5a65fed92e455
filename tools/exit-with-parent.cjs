// Preloaded into Azurite (`node --require tools/exit-with-parent.cjs azurite.js ...`) by the
// development launcher and the test fixtures: Azurite lives exactly as long as the process that
// started it.
//
// They hold Azurite's stdin open, so when they die, even by SIGKILL, the pipe closes and Azurite
// exits instead of lingering on its ports.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

// Ctrl+C in a terminal signals the whole foreground process group, Azurite included, and Azurite
// would close its ports at once, while the service still needs storage to stop cleanly: the engine
// releases its partition leases last, and without storage it waited out its 15 s and left the
// leases to expire. The parent stops Azurite itself once it no longer needs it, so SIGINT is
// ignored here and Azurite's own SIGINT handler, added once it listens, is never registered.
process.on('SIGINT', () => {});
const once = process.once;
process.once = function (event, listener) {
    return event === 'SIGINT' ? this : once.call(this, event, listener);
};
