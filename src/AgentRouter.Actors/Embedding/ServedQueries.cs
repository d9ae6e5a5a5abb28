using System.Collections.Concurrent;

namespace AgentRouter.Actors;

/// <summary>Which router a client sent each of its recent queries to, so that feedback is addressed to that router
/// alone. Bounded: past <c>capacity</c> ids the oldest are forgotten (their feedback then asks every router, as for an
/// id routed by another client). Thread-safe.</summary>
internal sealed class ServedQueries(int capacity)
{
    private readonly ConcurrentDictionary<string, string> _routerOf = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(string queryId, string router)
    {
        if (!_routerOf.TryAdd(queryId, router))
        {
            _routerOf[queryId] = router;
            return;
        }

        _order.Enqueue(queryId);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _routerOf.TryRemove(oldest, out _);
        }
    }

    public bool TryGet(string queryId, out string router) => _routerOf.TryGetValue(queryId, out router!);
}
