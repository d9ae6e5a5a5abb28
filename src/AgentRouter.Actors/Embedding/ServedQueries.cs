using AgentRouter.Actors.Feedback;

namespace AgentRouter.Actors;

/// <summary>Which router a client sent each of its recent queries to, so that feedback is addressed to that router
/// alone. Bounded: past <c>capacity</c> ids the oldest are forgotten (their feedback then asks every router, as for an
/// id routed by another client). Thread-safe.</summary>
/// <remarks>Every routed query passes through <see cref="Add"/>, and the last 100,000 or more are kept, so this is laid
/// out like the router's feedback ledger: ids are copied into a <see cref="QueryIdSlab"/> ring (in the order added)
/// with a <see cref="QueryIdIndex"/> over it, and router names are small codes. Nothing is allocated per query and
/// nothing a query allocated is kept alive: a dictionary of the callers' id strings made every id survive to the
/// oldest GC generation and cost a node per query. One lock guards it; the work under it is a few array writes.</remarks>
internal sealed class ServedQueries
{
    // Router names are the configured routers' names: a handful. Past this many distinct names (a caller inventing
    // router names would be refused by the locator first) a query is not remembered and its feedback asks every router.
    private const int MaxRouterNames = 1024;

    private readonly object _gate = new();
    private readonly QueryIdSlab _ids;
    private readonly QueryIdIndex _index;
    private readonly int[] _routerCode;
    private readonly List<string> _routerNames = [];
    private readonly Dictionary<string, int> _routerCodes = new(StringComparer.Ordinal);
    private int _head;
    private int _count;

    public ServedQueries(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ids = new QueryIdSlab(capacity);
        _index = new QueryIdIndex(_ids);
        _routerCode = new int[capacity];
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Remembers that <paramref name="queryId"/> went to <paramref name="router"/>; an id already remembered
    /// keeps its place in the order and takes the new router.</summary>
    public void Add(string queryId, string router)
    {
        var hash = QueryIdSlab.Hash(queryId);
        lock (_gate)
        {
            var code = RouterCode(router);
            var existing = _index.Find(queryId, hash);
            if (existing >= 0)
            {
                if (code < 0)
                {
                    Forget(existing);
                }
                else
                {
                    _routerCode[existing] = code;
                }

                return;
            }

            if (code < 0)
            {
                return;
            }

            var capacity = _routerCode.Length;
            if (_count == capacity)
            {
                EvictOldest();
            }

            var slot = (_head + _count) % capacity;
            _ids.Set(slot, queryId, hash);
            _index.Add(slot);
            _routerCode[slot] = code;
            _count++;
        }
    }

    public bool TryGet(string queryId, out string router)
    {
        var hash = QueryIdSlab.Hash(queryId);
        lock (_gate)
        {
            var slot = _index.Find(queryId, hash);
            if (slot >= 0 && _routerCode[slot] >= 0)
            {
                router = _routerNames[_routerCode[slot]];
                return true;
            }
        }

        router = null!;
        return false;
    }

    private int RouterCode(string router)
    {
        if (_routerCodes.TryGetValue(router, out var code))
        {
            return code;
        }

        if (_routerNames.Count == MaxRouterNames)
        {
            return -1;
        }

        code = _routerNames.Count;
        _routerNames.Add(router);
        _routerCodes.Add(router, code);
        return code;
    }

    /// <summary>Drops the oldest entry, or skips the head past a slot an earlier <see cref="Forget"/> emptied.</summary>
    private void EvictOldest()
    {
        if (_routerCode[_head] >= 0)
        {
            _index.Remove(_head);
        }

        _ids.Clear(_head);
        _head = (_head + 1) % _routerCode.Length;
        _count--;
    }

    /// <summary>Unindexes a slot in place; it keeps its place in the ring (marked by code -1) until evicted.</summary>
    private void Forget(int slot)
    {
        _index.Remove(slot);
        _routerCode[slot] = -1;
    }
}
