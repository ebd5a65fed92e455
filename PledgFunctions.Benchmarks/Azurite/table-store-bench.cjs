// Azurite's own table store, in this process, with and without the `partitions` patch of
// tools/azurite-indexed-storage.cjs: 20,000 rows in 2,000 partitions (as an engine's history table
// holds many orchestrations), then queries of one partition's rows, the engine's history read.
// Prints the mean time of a query.
//
//   node PledgFunctions.Benchmarks/Azurite/table-store-bench.cjs            # patched (PLEDG_AZURITE_PATCHES picks which)
//   node PledgFunctions.Benchmarks/Azurite/table-store-bench.cjs --stock    # Azurite as published
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
process.argv[1] = path.join(root, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
const stock = process.argv.includes('--stock');
if (!stock) require(path.join(root, 'tools', 'azurite-indexed-storage.cjs'));
const Store = require(path.join(root, 'node_modules', 'azurite', 'dist', 'src', 'table', 'persistence', 'LokiTableMetadataStore.js')).default;

const partitions = 2000, perPartition = 10, queries = stock ? 300 : 3000;
(async () => {
  const store = new Store('unused.json', true);
  await store.init();
  const context = {};
  await store.createTable(context, { account: 'a', table: 't' });
  for (let p = 0; p < partitions; p++)
    for (let r = 0; r < perPartition; r++)
      await store.insertTableEntity(context, 't', 'a', { PartitionKey: `p${p}`, RowKey: `r${r}`, properties: {}, lastModifiedTime: new Date(), eTag: 'e' });
  const started = process.hrtime.bigint();
  let rows = 0;
  for (let q = 0; q < queries; q++) {
    const [found] = await store.queryTableEntities(context, 'a', 't', { filter: `PartitionKey eq 'p${q % partitions}' and (RowKey eq '' or RowKey ge 'r0')` });
    rows += found.length;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / queries;
  const patches = stock ? 'stock Azurite' : `patches ${process.env.PLEDG_AZURITE_PATCHES ?? 'all'}`;
  console.log(`${patches}: ${ms.toFixed(3)} ms per partition query (${rows / queries} rows each), ${(partitions * perPartition).toLocaleString('en')} rows in ${partitions.toLocaleString('en')} partitions, ${queries} queries`);
})();
