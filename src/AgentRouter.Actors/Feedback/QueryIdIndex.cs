namespace AgentRouter.Actors.Feedback;

/// <summary>Open-addressing map from a query id to the slot of a <see cref="QueryIdSlab"/> that holds it:
/// linear probing over one array sized at construction (at least twice the slot count, a power of two),
/// deletion by backward shift so no deleted-markers accumulate. Each bucket holds the id's hash beside its slot,
/// so probing past other ids and shifting entries on removal read only the bucket array; the slab is read to
/// compare the characters only when the full hash matches. Never allocates after construction.</summary>
internal sealed class QueryIdIndex
{
    private readonly QueryIdSlab _ids;
    private readonly long[] _buckets; // hash in the high 32 bits, slot + 1 in the low 32; 0 is an empty bucket
    private readonly int _mask;

    public QueryIdIndex(QueryIdSlab ids)
    {
        _ids = ids;
        var size = (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, ids.Slots * 2)));
        _buckets = new long[size];
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

            if (HashOf(entry) == hash && _ids.Matches(SlotOf(entry), id, hash))
            {
                return SlotOf(entry);
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

        var hash = _ids.HashAt(slot);
        var bucket = hash & _mask;
        while (_buckets[bucket] != 0)
        {
            bucket = (bucket + 1) & _mask;
        }

        _buckets[bucket] = Entry(hash, slot);
        Count++;
    }

    /// <summary>Removes an indexed slot (its id must still be in the slab, for its hash).</summary>
    public void Remove(int slot)
    {
        var entry = Entry(_ids.HashAt(slot), slot);
        var hole = (int)(entry >> 32) & _mask;
        while (_buckets[hole] != entry)
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
            var home = HashOf(_buckets[next]) & _mask;
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

    private static long Entry(int hash, int slot) => ((long)hash << 32) | (uint)(slot + 1);

    private static int HashOf(long entry) => (int)(entry >> 32);

    private static int SlotOf(long entry) => (int)(uint)entry - 1;
}
