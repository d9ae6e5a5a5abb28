namespace AgentRouter.Core.Suite;

/// <summary>SplitMix64: a tiny generator whose output is fixed by its definition, unlike System.Random
/// whose seeded sequence is an implementation detail of the runtime. Suite files must stay
/// byte-identical across runtimes for a given seed.</summary>
internal sealed class SuiteRandom(ulong seed)
{
    private ulong state = seed;

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [minInclusive, maxInclusive], without modulo bias.</summary>
    public int Between(int minInclusive, int maxInclusive)
    {
        if (maxInclusive < minInclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(maxInclusive), $"Empty range [{minInclusive}, {maxInclusive}].");
        }

        var range = (ulong)((long)maxInclusive - minInclusive + 1);
        var limit = ulong.MaxValue - (ulong.MaxValue % range);
        ulong draw;
        do
        {
            draw = NextUInt64();
        }
        while (draw >= limit);

        return (int)((long)minInclusive + (long)(draw % range));
    }

    public bool Coin() => (NextUInt64() & 1UL) == 1UL;

    public T Pick<T>(IReadOnlyList<T> items) => items[Between(0, items.Count - 1)];

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Between(0, i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Lowercase letter 'a'..'z'.</summary>
    public char Letter() => (char)('a' + Between(0, 25));

    /// <summary>Picks <paramref name="count"/> distinct elements in random order.</summary>
    public List<T> Sample<T>(IReadOnlyList<T> items, int count)
    {
        var pool = items.ToList();
        Shuffle(pool);
        return pool.Take(count).ToList();
    }
}
