// Azurite's own queue store, in this process, with and without tools/azurite-indexed-storage.cjs:
// 10,000 messages waiting (as the engine's pending durable timers wait in its control queues),
// then rounds of send → read (up to 32) → delete what was read → read again (empty), the
// engine's polling pattern. Prints the mean time of a round.
//
//   node PledgFunctions.Benchmarks/Azurite/queue-store-bench.cjs            # patched as dotnet run and the tests run Azurite (PLEDG_AZURITE_PATCHES picks which)
//   node PledgFunctions.Benchmarks/Azurite/queue-store-bench.cjs --stock    # Azurite as published
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
process.argv[1] = path.join(root, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
const stock = process.argv.includes('--stock');
if (!stock) require(path.join(root, 'tools', 'azurite-indexed-storage.cjs'));
const Store = require(path.join(root, 'node_modules', 'azurite', 'dist', 'src', 'queue', 'persistence', 'LokiQueueMetadataStore.js')).default;

const waiting = 10000, rounds = stock ? 200 : 2000, queues = ['q0', 'q1', 'q2', 'q3', 'q4'];
const message = (queue, id, visibleAt) => ({
  accountName: 'a', queueName: queue, messageId: 'm' + id, insertionTime: new Date(), popReceipt: 'p', dequeueCount: 0,
  expirationTime: new Date(Date.now() + 7 * 864e5), timeNextVisible: new Date(visibleAt), persistency: { id: 'x', offset: 0, count: 1 },
});

(async () => {
  const store = new Store('unused.json', true);
  await store.init();
  for (const name of queues) await store.createQueue({ accountName: 'a', name, metadata: {} });
  for (let i = 0; i < waiting; i++) await store.insertMessage(message(queues[i % queues.length], i, Date.now() + 2 * 864e5));
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    const queue = queues[round % queues.length];
    await store.insertMessage(message(queue, waiting + round, Date.now() - 1));
    const receipt = 'r' + round;
    for (const read of await store.getMessages('a', queue, new Date(Date.now() + 30000), receipt, 32, new Date()))
      await store.deleteMessage('a', queue, read.messageId, receipt);
    await store.getMessages('a', queue, new Date(Date.now() + 30000), 'e' + round, 32, new Date());
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
  console.log(`${stock ? 'stock Azurite' : `patches ${process.env.PLEDG_AZURITE_PATCHES ?? 'all'}`}: ${ms.toFixed(2)} ms per round (send, read, delete, empty read), ${waiting.toLocaleString('en')} messages waiting, ${rounds} rounds`);
})();
