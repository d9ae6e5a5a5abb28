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
/// <remarks>Fixed capacity, allocation-free in steady state: the entries live in a ring of plain structs
/// (<typeparamref name="TEntry"/>, in answer order) and the remembered ids in a second ring (in the order they
/// stopped being pending); each ring keeps its ids in a <see cref="QueryIdSlab"/> with an open-addressing
/// <see cref="QueryIdIndex"/>. A router answering hundreds of thousands of queries a second keeps up to
/// <c>capacity</c> of them here for minutes, so anything allocated per entry would be promoted to the oldest
/// GC generation and make every collection expensive; this way the ledger is a handful of arrays allocated once.
/// Consumed or expired entries leave a hole in the pending ring that counts towards the capacity until it
/// reaches the ring's head, exactly like the queue of the earlier dictionary-based ledger.</remarks>
public sealed class FeedbackLedger<TEntry>
    where TEntry : struct
{
    private readonly int _capacity;
    private readonly long _ttlTicks;

    // Pending ring, in answer order.
    private readonly TEntry[] _entries;
    private readonly long[] _expiresAt;
    private readonly bool[] _live;
    private readonly QueryIdSlab _pendingIds;
    private readonly QueryIdIndex _pending;
    private int _head;
    private int _occupied;

    // Remembered ids of entries that stopped being pending, in that order.
    private readonly TombstoneKind[] _kinds;
    private readonly bool[] _buriedLive;
    private readonly QueryIdSlab _buriedIds;
    private readonly QueryIdIndex _buried;
    private int _buriedHead;
    private int _buriedOccupied;

    public FeedbackLedger(int capacity, TimeSpan timeToLive, long ticksPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ttlTicks = (long)(timeToLive.TotalSeconds * ticksPerSecond);
        _entries = new TEntry[capacity];
        _expiresAt = new long[capacity];
        _live = new bool[capacity];
        _pendingIds = new QueryIdSlab(capacity);
        _pending = new QueryIdIndex(_pendingIds);
        _kinds = new TombstoneKind[capacity];
        _buriedLive = new bool[capacity];
        _buriedIds = new QueryIdSlab(capacity);
        _buried = new QueryIdIndex(_buriedIds);
    }

    /// <summary>Entries still pending (neither consumed, expired nor evicted).</summary>
    public int Count => _pending.Count;

    public long Evicted { get; private set; }

    public bool IsPending(string id) => _pending.Find(id, QueryIdSlab.Hash(id)) >= 0;

    public void Add(string id, in TEntry entry, long now)
    {
        Sweep(now);
        var hash = QueryIdSlab.Hash(id);
        var existing = _pending.Find(id, hash);
        if (existing >= 0)
        {
            // A re-used id replaces the entry it names (the router refuses such ids; the ledger stays consistent).
            Drop(existing);
        }

        if (_occupied == _capacity)
        {
            if (_live[_head])
            {
                Evicted++;
                Bury(_head, TombstoneKind.Expired);
            }

            PopHead();
        }

        var slot = (_head + _occupied) % _capacity;
        _occupied++;
        _entries[slot] = entry;
        _expiresAt[slot] = now + _ttlTicks;
        _live[slot] = true;
        _pendingIds.Set(slot, id, hash);
        _pending.Add(slot);

        var buried = _buried.Find(id, hash);
        if (buried >= 0)
        {
            Unbury(buried);
        }
    }

    /// <summary>Finds a pending entry without consuming it.</summary>
    public LedgerLookup Lookup(string id, long now, out TEntry entry)
    {
        var hash = QueryIdSlab.Hash(id);
        var slot = _pending.Find(id, hash);
        if (slot >= 0)
        {
            if (_expiresAt[slot] > now)
            {
                entry = _entries[slot];
                return LedgerLookup.Found;
            }

            Bury(slot, TombstoneKind.Expired);
            entry = default;
            return LedgerLookup.Expired;
        }

        entry = default;
        var buried = _buried.Find(id, hash);
        if (buried >= 0)
        {
            return _kinds[buried] == TombstoneKind.Consumed ? LedgerLookup.Duplicate : LedgerLookup.Expired;
        }

        return LedgerLookup.Unknown;
    }

    /// <summary>Marks a found entry as consumed: further feedback for it is a duplicate.</summary>
    public void Consume(string id)
    {
        var slot = _pending.Find(id, QueryIdSlab.Hash(id));
        if (slot >= 0)
        {
            Bury(slot, TombstoneKind.Consumed);
        }
    }

    /// <summary>Drops every entry whose time-to-live has passed.</summary>
    public void Sweep(long now)
    {
        while (_occupied > 0)
        {
            if (_live[_head])
            {
                if (_expiresAt[_head] > now)
                {
                    return;
                }

                Bury(_head, TombstoneKind.Expired);
            }

            PopHead();
        }
    }

    private void PopHead()
    {
        _entries[_head] = default; // releases whatever the entry referenced
        _pendingIds.Clear(_head);
        _head = (_head + 1) % _capacity;
        _occupied--;
    }

    /// <summary>Ends a pending entry, leaving a hole in the ring, and forgets its id entirely.</summary>
    private void Drop(int slot)
    {
        _pending.Remove(slot);
        _live[slot] = false;
        _entries[slot] = default;
    }

    /// <summary>Ends a pending entry and remembers its id with why it ended.</summary>
    private void Bury(int slot, TombstoneKind kind)
    {
        if (_buriedOccupied == _capacity)
        {
            if (_buriedLive[_buriedHead])
            {
                _buried.Remove(_buriedHead);
                _buriedLive[_buriedHead] = false;
            }

            _buriedIds.Clear(_buriedHead);
            _buriedHead = (_buriedHead + 1) % _capacity;
            _buriedOccupied--;
        }

        var grave = (_buriedHead + _buriedOccupied) % _capacity;
        _buriedOccupied++;
        _pendingIds.CopyTo(slot, _buriedIds, grave);
        _kinds[grave] = kind;
        _buriedLive[grave] = true;
        _buried.Add(grave);
        Drop(slot);
    }

    private void Unbury(int grave)
    {
        _buried.Remove(grave);
        _buriedLive[grave] = false;
    }

    private enum TombstoneKind : byte
    {
        Expired,
        Consumed,
    }
}
