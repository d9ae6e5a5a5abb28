namespace AgentRouter.Core.Featurization;

/// <summary>Deterministic bag-of-n-grams features by the hashing trick: lower-cased word unigrams, word
/// bigrams and character trigrams (of each word padded with spaces) are hashed with FNV-1a (a distinct
/// prefix per n-gram kind) into <c>dimension − 1</c> buckets with a hash-derived sign (so collisions cancel
/// rather than pile up), L2-normalised, and followed by a constant bias feature 1 at the last index.
/// Words are maximal runs of letters or digits.</summary>
public sealed class HashedNGramFeaturizer : IQueryFeaturizer
{
    public const int DefaultDimension = 64;
    private const uint UnigramSeed = 0x811C9DC5;
    private const uint BigramSeed = 0x9E3779B1;
    private const uint TrigramSeed = 0x85EBCA77;
    private readonly int _buckets;

    /// <param name="dimension">Total vector length, bias included (at least 2).</param>
    public HashedNGramFeaturizer(int dimension = DefaultDimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        Dimension = dimension;
        _buckets = dimension - 1;
    }

    public int Dimension { get; }

    public float[] Featurize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sums = new double[_buckets];
        var lower = text.ToLowerInvariant().AsSpan();
        Span<char> padded = stackalloc char[3];
        var previousStart = -1;
        var previousLength = 0;
        var position = 0;
        while (NextWord(lower, ref position, out var start, out var length))
        {
            var word = lower.Slice(start, length);
            Add(sums, StableHash.Fnv1a(word, UnigramSeed));
            if (previousStart >= 0)
            {
                var bigram = StableHash.Fnv1a(lower.Slice(previousStart, previousLength), BigramSeed);
                bigram = StableHash.Fnv1a(" ", bigram);
                Add(sums, StableHash.Fnv1a(word, bigram));
            }

            // Character trigrams of " word ": robust to inflections and typos.
            for (var i = -1; i + 2 <= length; i++)
            {
                padded[0] = i < 0 ? ' ' : word[i];
                padded[1] = i + 1 < length ? word[i + 1] : ' ';
                padded[2] = i + 2 < length ? word[i + 2] : ' ';
                Add(sums, StableHash.Fnv1a(padded, TrigramSeed));
            }

            previousStart = start;
            previousLength = length;
        }

        var norm = 0.0;
        foreach (var value in sums)
        {
            norm += value * value;
        }

        norm = Math.Sqrt(norm);
        var features = new float[Dimension];
        if (norm > 0)
        {
            for (var i = 0; i < _buckets; i++)
            {
                features[i] = (float)(sums[i] / norm);
            }
        }

        features[_buckets] = 1;
        return features;
    }

    private void Add(double[] sums, uint hash)
    {
        // The top bit chooses the sign, the rest the bucket.
        var bucket = (int)((hash & 0x7FFFFFFF) % (uint)_buckets);
        sums[bucket] += (hash & 0x80000000) == 0 ? 1 : -1;
    }

    private static bool NextWord(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        while (position < text.Length && !char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        start = position;
        while (position < text.Length && char.IsLetterOrDigit(text[position]))
        {
            position++;
        }

        length = position - start;
        return length > 0;
    }
}
