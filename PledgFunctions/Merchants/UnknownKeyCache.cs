namespace PledgFunctions.Merchants;

/// <summary>Hashes of API keys storage said do not exist, remembered for a while so a client
/// repeating a bad key costs no storage read. Bounded: when full, the least recently seen hash
/// goes, so a flood of random keys churns this cache only; it never holds known keys, which live
/// apart in <see cref="MerchantStore"/> and are never evicted by it.</summary>
public sealed class UnknownKeyCache(int capacity, TimeSpan keepFor)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Hash, DateTimeOffset Until)>> _byHash = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Hash, DateTimeOffset Until)> _leastRecentFirst = new();

    public int Count
    {
        get { lock (_lock) return _byHash.Count; }
    }

    public bool Contains(string hash, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_byHash.TryGetValue(hash, out var node)) return false;
            _leastRecentFirst.Remove(node);
            if (node.Value.Until <= now)
            {
                _byHash.Remove(hash);
                return false;
            }
            _leastRecentFirst.AddLast(node);
            return true;
        }
    }

    public void Add(string hash, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_byHash.Remove(hash, out var existing)) _leastRecentFirst.Remove(existing);
            while (_byHash.Count >= capacity && _leastRecentFirst.First is { } oldest)
            {
                _leastRecentFirst.RemoveFirst();
                _byHash.Remove(oldest.Value.Hash);
            }
            _byHash[hash] = _leastRecentFirst.AddLast((hash, now + keepFor));
        }
    }

    public void Remove(string hash)
    {
        lock (_lock)
            if (_byHash.Remove(hash, out var node)) _leastRecentFirst.Remove(node);
    }
}
