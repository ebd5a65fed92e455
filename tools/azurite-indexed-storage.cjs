// Preloaded into Azurite with exit-with-parent.cjs (`node --require ... dist/src/table/main.js ...`,
// the same for queue and blob, or the whole `azurite.js`) by the development launcher and the test
// fixtures. Azurite keeps rows, queue messages and extents in LokiJS collections; two of its costs
// grow with everything ever stored in the account, where Azure Storage's do not, and under the
// Durable Task engine's traffic they made Azurite, not the service, the bottleneck of every
// benchmark (docs/benchmarks.md, "Azurite's own costs"):
//
// 1. A table query runs its filter over every row of the table, even one that names its partition
//    (a purchase, an orchestration's history). Azure looks the partition up in its index. Here a
//    filter whose top level is a conjunction (no `or`, no `not` outside parentheses) with a
//    `PartitionKey eq '…'` term there is run over that partition only, found through the
//    PartitionKey index Azurite already keeps; the whole filter is still applied, so the rows
//    returned are the same. (The engine reads an orchestration's history with
//    `PartitionKey eq '…' and (RowKey eq '…' or ExecutionId eq '…')`.)
// 2. LokiJS rebuilds every binary index of a collection (a full sort) on each batch removal or
//    batch update, even of one document, and hashes every document for a batch removal, even an
//    empty one. Azurite removes an empty batch on every queue read (its clear of expired
//    messages) and updates the messages it hands out as a batch, so each poll re-sorted every
//    message in the account, pending durable timers included; its queue GC, every 60 s, removes
//    extents one by one, which blocked Azurite for about 10 s after a minute of engine traffic.
//    Here a batch of none does nothing, and a small batch takes LokiJS's own single-document path
//    (indices updated in place).
// 3. A queue read, peek or delete walks every message of the account to clear the expired ones
//    (none, nearly always), then again to find the visible ones or the one it names, because
//    LokiJS narrows through the index of a query's first term only and Azurite's queries start
//    with the account name, which every message shares. Here the messages are indexed by expiry
//    time too, and the id, expiry or queue term goes first: the same messages, found through an
//    index (a read still walks its own queue's messages, the pending durable timers included).
//
// Each patch checks that the code it replaces is where it expects it and throws otherwise, so a new
// Azurite whose code moved stops at start with the patch's name instead of running unpatched
// unnoticed. PLEDG_AZURITE_PATCHES picks the patches (comma-separated names below; `none` runs
// Azurite as published), for measuring one against stock.
const path = require('path');

const azuriteRoot = (() => {
  const script = process.argv[1] ?? '';
  const at = script.lastIndexOf(`${path.sep}dist${path.sep}`);
  return at < 0 ? undefined : script.slice(0, at);
})();

function load(request) {
  return require(require.resolve(request, { paths: [azuriteRoot ?? process.cwd(), process.cwd()] }));
}

/** The value of the filter's `PartitionKey eq '…'` term when the filter's top level is a
 * conjunction with that term in it, else undefined. */
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
  let depth = 0;
  // False when the code has an `or` or a `not` at the top level, or closes a parenthesis never opened.
  const conjunctive = code => {
    for (const piece of code.split(/([()])/)) {
      if (piece === '(') depth++;
      else if (piece === ')' && --depth < 0) return false;
      else if (depth === 0 && /\b(or|not)\b/i.test(piece)) return false;
    }
    return true;
  };
  let partition;
  for (const part of parts) {
    if (!conjunctive(part.code)) return undefined;
    if (partition === undefined && depth === 0 && /(^|[\s(])PartitionKey\s+eq\s*$/.test(part.code)) partition = part.value;
  }
  return conjunctive(tail) && depth === 0 ? partition : undefined;
}

function missing(patch, what) {
  let version = '?';
  try { version = load('./package.json').version; } catch { /* not an Azurite folder */ }
  throw new Error(`tools/azurite-indexed-storage.cjs: patch '${patch}' does not fit Azurite ${version}: ${what} is not where it was. ` +
    'Update the patch, or run Azurite as published with PLEDG_AZURITE_PATCHES=none.');
}

function narrowPartitionQueries() {
  const Store = load('./dist/src/table/persistence/LokiTableMetadataStore.js').default;
  const query = Store?.prototype?.queryTableEntities;
  if (typeof query !== 'function' || typeof Store.prototype.getEntityCollection !== 'function')
    missing('partitions', 'LokiTableMetadataStore.queryTableEntities / getEntityCollection');
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

// Past this many documents a batch is cheaper as LokiJS does it: one rebuild of the indices.
const SMALL_BATCH = 32;

function cheapBatches() {
  const collection = load('lokijs').Collection?.prototype;
  const { removeBatch, removeBatchByPositions, update } = collection ?? {};
  if ([removeBatch, removeBatchByPositions, update, collection?.remove].some(f => typeof f !== 'function'))
    missing('batches', "LokiJS's Collection.removeBatch / removeBatchByPositions / update / remove");
  collection.removeBatch = function (batch) {
    if (batch.length === 0) return;
    if (batch.length === 1) return this.remove(batch[0]);
    return removeBatch.call(this, batch);
  };
  collection.removeBatchByPositions = function (positions) {
    if (positions.length === 0) return;
    if (positions.length === 1) return this.remove(this.data[positions[0]]);
    return removeBatchByPositions.call(this, positions);
  };
  collection.update = function (doc) {
    if (!Array.isArray(doc) || doc.length > SMALL_BATCH) return update.call(this, doc);
    for (const one of doc) update.call(this, one);
  };
}

// Conjunctions over queue messages, most selective indexed term first: LokiJS narrows a query
// through the index of its first term only, and Azurite's queries start with the account, which
// every message shares. Only fields Azurite never changes in place: LokiJS finds a document's
// entry in an index by its current value, so an index on the visibility time (which Azurite sets
// on the document before telling LokiJS) would lose track of it.
const MESSAGE_KEYS_FIRST = ['messageId', 'expirationTime', 'queueName'];

function selectiveFirst(query) {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return query;
  const keys = Object.keys(query);
  if (keys.length < 2 || keys.some(k => k.startsWith('$'))) return query;
  const ordered = {};
  for (const key of MESSAGE_KEYS_FIRST) if (key in query) ordered[key] = query[key];
  for (const key of keys) if (!(key in ordered)) ordered[key] = query[key];
  return ordered;
}

function indexedMessages() {
  const Store = load('./dist/src/queue/persistence/LokiQueueMetadataStore.js').default;
  const Collection = load('lokijs').Collection?.prototype;
  if (typeof Store?.prototype?.clearExpiredMessages !== 'function' || typeof Store.prototype.checkQueueExist !== 'function'
    || typeof Collection?.chain !== 'function')
    missing('messages', 'LokiQueueMetadataStore.clearExpiredMessages / checkQueueExist, LokiJS Collection.chain');
  const prepared = new WeakSet();
  // Every read, peek and delete of messages clears the expired ones first: the collection is set up there.
  const messagesOf = store => {
    const messages = store.db.getCollection(store.MESSAGES_COLLECTION);
    if (prepared.has(messages)) return messages;
    for (const key of MESSAGE_KEYS_FIRST) messages.ensureIndex(key);
    messages.chain = function (...args) {
      const results = Collection.chain.apply(this, args);
      const find = results.find;
      results.find = function (query, firstOnly) {
        return find.call(this, selectiveFirst(query), firstOnly);
      };
      return results;
    };
    prepared.add(messages);
    return messages;
  };
  Store.prototype.clearExpiredMessages = async function (account, queue, context) {
    this.checkQueueExist(account, queue, context);
    const messages = messagesOf(this);
    messages.remove(messages.chain().find({ expirationTime: { $lte: Date.now() }, accountName: account, queueName: queue }).data());
  };
}

const patches = { partitions: narrowPartitionQueries, batches: cheapBatches, messages: indexedMessages };
const wanted = (process.env.PLEDG_AZURITE_PATCHES ?? Object.keys(patches).join(','))
  .split(',').map(name => name.trim()).filter(name => name && name !== 'none');
const unknown = wanted.filter(name => !(name in patches));
if (unknown.length > 0) throw new Error(`PLEDG_AZURITE_PATCHES: no patch named ${unknown.join(', ')} (known: ${Object.keys(patches).join(', ')}, none)`);
const applied = [];
for (const name of wanted) {
  patches[name]();
  applied.push(name);
}

module.exports = { partitionOf, applied };
