namespace AgentRouter.Actors.Feedback;

public enum LedgerLookup
{
    Found,
    Unknown,
    Expired,
    Duplicate,
}

/// <summary>Answered queries awaiting feedback: bounded (the oldest entry is evicted as expired when full),
/// with a time-to-live, and remembering recently expired or consumed ids (also bounded) so that late or
/// repeated feedback is rejected with the right reason rather than as unknown. Not thread-safe: one router
/// actor owns it. Time is passed in (Stopwatch ticks) so tests control it.</summary>
public sealed class FeedbackLedger<TEntry>
{
    private readonly int _capacity;
    private readonly long _ttlTicks;
    private readonly Dictionary<string, Pending> _pending;
    private readonly Queue<(string Id, long Sequence)> _order = new();
    private readonly Dictionary<string, Tombstone> _tombstones;
    private readonly Queue<(string Id, long Sequence)> _tombstoneOrder = new();
    private long _sequence;

    public FeedbackLedger(int capacity, TimeSpan timeToLive, long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ttlTicks = (long)(timeToLive.TotalSeconds * ticksPerSecond);
        _pending = new Dictionary<string, Pending>(Math.Min(capacity, 1 << 16), StringComparer.Ordinal);
        _tombstones = new Dictionary<string, Tombstone>(Math.Min(capacity, 1 << 16), StringComparer.Ordinal);
    }

    public int Count => _pending.Count;

    public long Evicted { get; private set; }

    public bool IsPending(string id) => _pending.ContainsKey(id);

    public void Add(string id, TEntry entry, long now)
    {
        Sweep(now);
        while (_order.Count >= _capacity)
        {
            var (oldId, sequence) = _order.Dequeue();
            if (_pending.TryGetValue(oldId, out var old) && old.Sequence == sequence)
            {
                _pending.Remove(oldId);
                Evicted++;
                Bury(oldId, TombstoneKind.Expired);
            }
        }

        var seq = ++_sequence;
        _pending[id] = new Pending(entry, now + _ttlTicks, seq);
        _order.Enqueue((id, seq));
        _tombstones.Remove(id);
    }

    /// <summary>Finds a pending entry without consuming it.</summary>
    public LedgerLookup Lookup(string id, long now, out TEntry? entry)
    {
        if (_pending.TryGetValue(id, out var pending))
        {
            if (pending.ExpiresAt > now)
            {
                entry = pending.Entry;
                return LedgerLookup.Found;
            }

            _pending.Remove(id);
            Bury(id, TombstoneKind.Expired);
            entry = default;
            return LedgerLookup.Expired;
        }

        entry = default;
        if (_tombstones.TryGetValue(id, out var tombstone))
        {
            return tombstone.Kind == TombstoneKind.Consumed ? LedgerLookup.Duplicate : LedgerLookup.Expired;
        }

        return LedgerLookup.Unknown;
    }

    /// <summary>Marks a found entry as consumed: further feedback for it is a duplicate.</summary>
    public void Consume(string id)
    {
        if (_pending.Remove(id))
        {
            Bury(id, TombstoneKind.Consumed);
        }
    }

    /// <summary>Drops every entry whose time-to-live has passed.</summary>
    public void Sweep(long now)
    {
        while (_order.Count > 0)
        {
            var (id, sequence) = _order.Peek();
            if (_pending.TryGetValue(id, out var pending) && pending.Sequence == sequence)
            {
                if (pending.ExpiresAt > now)
                {
                    return;
                }

                _pending.Remove(id);
                Bury(id, TombstoneKind.Expired);
            }

            _order.Dequeue();
        }
    }

    private void Bury(string id, TombstoneKind kind)
    {
        while (_tombstoneOrder.Count >= _capacity)
        {
            var (oldId, sequence) = _tombstoneOrder.Dequeue();
            if (_tombstones.TryGetValue(oldId, out var old) && old.Sequence == sequence)
            {
                _tombstones.Remove(oldId);
            }
        }

        var seq = ++_sequence;
        _tombstones[id] = new Tombstone(kind, seq);
        _tombstoneOrder.Enqueue((id, seq));
    }

    private readonly record struct Pending(TEntry Entry, long ExpiresAt, long Sequence);

    private enum TombstoneKind
    {
        Expired,
        Consumed,
    }

    private readonly record struct Tombstone(TombstoneKind Kind, long Sequence);
}
