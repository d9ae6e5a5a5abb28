using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgentRouter.Cluster.State;

/// <summary>The answered records of the queries this node served, kept in memory for their feedback window, so
/// feedback given to this node is credited even when Redis does not hold the record (still in the write buffer
/// during an outage, or lost by a Redis restart): the record is written again with the feedback. Bounded by count
/// and by size (a record carries the prompt): past either bound the oldest are forgotten, and their feedback relies
/// on Redis alone. Thread-safe.</summary>
internal sealed class LocalAnswers(int capacity, long maxChars, TimeSpan timeToLive)
{
    private readonly ConcurrentDictionary<string, (string Json, long At)> _byQuery = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string QueryId, int Chars)> _order = new();
    private long _chars;

    public int Count => _byQuery.Count;

    public void Add(string queryId, string json)
    {
        if (!_byQuery.TryAdd(queryId, (json, Stopwatch.GetTimestamp())))
        {
            return; // the first answer for an id is the one its feedback credits
        }

        _order.Enqueue((queryId, json.Length));
        Interlocked.Add(ref _chars, json.Length);
        while ((_order.Count > capacity || Interlocked.Read(ref _chars) > maxChars) && _order.TryDequeue(out var oldest))
        {
            _byQuery.TryRemove(oldest.QueryId, out _);
            Interlocked.Add(ref _chars, -oldest.Chars);
        }
    }

    public bool TryGet(string queryId, out string json)
    {
        if (_byQuery.TryGetValue(queryId, out var entry) && Stopwatch.GetElapsedTime(entry.At) < timeToLive)
        {
            json = entry.Json;
            return true;
        }

        json = "";
        return false;
    }
}
