// Preloaded into Azurite with exit-with-parent.cjs (`node --require ... azurite.js ...`) by the
// development launcher and the test fixtures. Azurite keeps rows, queue messages and extents in
// LokiJS collections; two of its costs grow with everything ever stored in the account, where Azure
// Storage's do not, and under the Durable Task engine's traffic they made Azurite, not the service,
// the bottleneck of every benchmark (docs/benchmarks.md, "Azurite's own costs"):
//
// 1. A table query runs its filter over every row of the table, even one that names its partition
//    (a purchase, an orchestration's history). Azure looks the partition up in its index. Here a
//    filter that is a plain conjunction (no `or`, no `not`) with a `PartitionKey eq '…'` term is
//    run over that partition only, found through the PartitionKey index Azurite already keeps; the
//    whole filter is still applied, so the rows returned are the same.
// 2. LokiJS rebuilds every binary index of a collection (a full sort) on each batch removal, even
//    an empty one. Azurite removes an empty batch on every queue read (its clear of expired
//    messages), so each poll re-sorted every message in the account, pending durable timers
//    included; its queue GC, every 60 s, removes extents one by one, which blocked Azurite for
//    about 10 s after a minute of engine traffic. Here a batch of none removes nothing, and a batch
//    of one takes LokiJS's own single-document path (indices updated in place).
//
// Either patch is skipped, leaving Azurite as it is, if its code is not where this expects it.
const path = require('path');

const azuriteRoot = (() => {
  const script = process.argv[1] ?? '';
  const at = script.lastIndexOf(`${path.sep}dist${path.sep}`);
  return at < 0 ? undefined : script.slice(0, at);
})();

function load(request) {
  return require(require.resolve(request, { paths: [azuriteRoot ?? process.cwd(), process.cwd()] }));
}

/** The value of the filter's `PartitionKey eq '…'` term when the filter is a plain conjunction, else undefined. */
function partitionOf(filter) {
  if (typeof filter !== 'string') return undefined;
  // Split into string literals ('' escapes a quote) and the code between them.
  const parts = [];
  const literal = /'((?:[^']|'')*)'/g;
  let last = 0;
  for (let match; (match = literal.exec(filter)) !== null; last = literal.lastIndex) {
    parts.push({ code: filter.slice(last, match.index), value: match[1].replace(/''/g, "'") });
  }
  const tail = filter.slice(last);
  if (tail.includes("'")) return undefined; // an unterminated literal: leave it to Azurite
  const code = parts.map(p => p.code).join(' ') + ' ' + tail;
  if (/\b(or|not)\b/i.test(code)) return undefined;
  const term = parts.find(p => /(^|[\s(])PartitionKey\s+eq\s*$/.test(p.code));
  return term?.value;
}

function narrowPartitionQueries() {
  const Store = load('./dist/src/table/persistence/LokiTableMetadataStore.js').default;
  const query = Store?.prototype?.queryTableEntities;
  if (typeof query !== 'function' || typeof Store.prototype.getEntityCollection !== 'function') return;
  Store.prototype.queryTableEntities = function (context, account, table, queryOptions, ...rest) {
    const partition = partitionOf(queryOptions?.filter);
    if (partition === undefined) return query.call(this, context, account, table, queryOptions, ...rest);
    const store = this;
    const narrowed = Object.create(store);
    narrowed.getEntityCollection = function (...args) {
      const collection = store.getEntityCollection(...args);
      return { chain: () => collection.chain().find({ PartitionKey: partition }) };
    };
    return query.call(narrowed, context, account, table, queryOptions, ...rest);
  };
}

function cheapRemoves() {
  const collection = load('lokijs').Collection?.prototype;
  const removeBatchByPositions = collection?.removeBatchByPositions;
  if (typeof removeBatchByPositions !== 'function' || typeof collection.remove !== 'function') return;
  collection.removeBatchByPositions = function (positions) {
    if (positions.length === 0) return;
    if (positions.length === 1) return this.remove(this.data[positions[0]]);
    return removeBatchByPositions.call(this, positions);
  };
}

for (const patch of [narrowPartitionQueries, cheapRemoves]) {
  try {
    patch();
  } catch {
    // Another Azurite or LokiJS layout: this part runs unchanged.
  }
}

module.exports = { partitionOf };
