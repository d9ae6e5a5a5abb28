namespace AgentRouter.Actors.Feedback;

/// <summary>Open-addressing map from a query id to the slot of a <see cref="QueryIdSlab"/> that holds it:
/// linear probing over one int array sized at construction (at least twice the slot count, a power of two),
/// deletion by backward shift so no deleted-markers accumulate. Ids are compared against the slab, so the
/// index itself stores nothing but slot numbers and never allocates after construction.</summary>
internal sealed class QueryIdIndex
{
    private readonly QueryIdSlab _ids;
    private readonly int[] _buckets; // slot + 1; 0 is an empty bucket
    private readonly int _mask;

    public QueryIdIndex(QueryIdSlab ids)
    {
        _ids = ids;
        var size = (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, ids.Slots * 2)));
        _buckets = new int[size];
        _mask = size - 1;
    }

    public int Count { get; private set; }

    /// <summary>The slot holding <paramref name="id"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> id, int hash)
    {
        for (var bucket = hash & _mask; ; bucket = (bucket + 1) & _mask)
        {
            var entry = _buckets[bucket];
            if (entry == 0)
            {
                return -1;
            }

            if (_ids.Matches(entry - 1, id, hash))
            {
                return entry - 1;
            }
        }
    }

    /// <summary>Indexes a slot whose id the slab already holds; the caller guarantees the id is not indexed yet.</summary>
    public void Add(int slot)
    {
        if (Count >= _ids.Slots)
        {
            throw new InvalidOperationException($"the index already holds {Count} ids for {_ids.Slots} slots");
        }

        var bucket = _ids.HashAt(slot) & _mask;
        while (_buckets[bucket] != 0)
        {
            bucket = (bucket + 1) & _mask;
        }

        _buckets[bucket] = slot + 1;
        Count++;
    }

    /// <summary>Removes an indexed slot (its id must still be in the slab, for its hash).</summary>
    public void Remove(int slot)
    {
        var hole = _ids.HashAt(slot) & _mask;
        while (_buckets[hole] != slot + 1)
        {
            if (_buckets[hole] == 0)
            {
                throw new InvalidOperationException($"slot {slot} is not indexed");
            }

            hole = (hole + 1) & _mask;
        }

        // Backward shift: pull later members of the probe run into the hole when their home allows it.
        for (var next = (hole + 1) & _mask; _buckets[next] != 0; next = (next + 1) & _mask)
        {
            var home = _ids.HashAt(_buckets[next] - 1) & _mask;
            var distanceToHole = (hole - home) & _mask;
            var distanceToNext = (next - home) & _mask;
            if (distanceToHole < distanceToNext)
            {
                _buckets[hole] = _buckets[next];
                hole = next;
            }
        }

        _buckets[hole] = 0;
        Count--;
    }
}
