using System.Buffers;
using System.Runtime.Intrinsics;

namespace AgentRouter.Inference.Generation;

/// <summary>
/// Greedy, temperature, top-k and top-p choice of the next token from one row of logits.
/// <para>
/// Sampling runs once per generated token over the whole vocabulary (151,936 logits for Qwen), so it must cost far
/// less than the decode step. Sorting every token by probability took 14–22 ms per token there, more than a whole
/// int8 decode step. Now nothing is sorted unless a filter needs an order: plain temperature sampling draws in token
/// order (the same distribution), top-k selects its k tokens with a heap, and top-p sorts only the tokens above a
/// probability threshold chosen, from one pass over the weights' binary exponents, to hold at least the nucleus.
/// </para>
/// </summary>
public static class TokenSampler
{
    /// <summary>Exponent buckets of the unnormalised weights exp((logit − max) / T) ∈ (0, 1]: bucket b holds
    /// [2^−(b+1), 2^−b); the last one everything smaller, down to 0.</summary>
    private const int ExponentBuckets = 64;

    public static int Choose(ReadOnlySpan<float> logits, GenerationOptions options, Random random)
    {
        if (options.IsGreedy)
        {
            return ArgMax(logits);
        }
        var weights = ArrayPool<double>.Shared.Rent(logits.Length);
        try
        {
            var total = Weigh(logits, 1.0 / options.Temperature, weights);
            if (options.TopK <= 0 && options.TopP >= 1.0)
            {
                return DrawInTokenOrder(weights.AsSpan(0, logits.Length), total, random);
            }
            var ranked = ArrayPool<int>.Shared.Rent(options.TopK > 0 ? Math.Min(options.TopK, logits.Length) : logits.Length);
            try
            {
                var count = options.TopK > 0
                    ? RankTopK(weights.AsSpan(0, logits.Length), Math.Min(options.TopK, logits.Length), ranked)
                    : RankNucleusCandidates(weights.AsSpan(0, logits.Length), total, options.TopP, ranked);
                return DrawRanked(weights, ranked.AsSpan(0, count), options.TopK > 0 ? null : total, options.TopP, random);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(ranked);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(weights);
        }
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var token = 1; token < logits.Length; token++)
        {
            if (logits[token] > logits[best])
            {
                best = token;
            }
        }
        return best;
    }

    /// <summary>The tokens top-k and top-p leave to draw from, most likely first (for tests: the nucleus a draw can reach).</summary>
    internal static int[] Candidates(ReadOnlySpan<float> logits, GenerationOptions options)
    {
        var weights = new double[logits.Length];
        var total = Weigh(logits, 1.0 / options.Temperature, weights);
        var ranked = new int[options.TopK > 0 ? Math.Min(options.TopK, logits.Length) : logits.Length];
        var count = options.TopK > 0
            ? RankTopK(weights, Math.Min(options.TopK, logits.Length), ranked)
            : RankNucleusCandidates(weights, total, options.TopP, ranked);
        return ranked.AsSpan(0, Nucleus(weights, ranked.AsSpan(0, count), options.TopK > 0 ? null : total, options.TopP, out _)).ToArray();
    }

    /// <summary>weights[i] = exp((logits[i] − max) / T), eight at a time; returns their sum.</summary>
    internal static double Weigh(ReadOnlySpan<float> logits, double inverseTemperature, double[] weights)
    {
        var maximum = Maximum(logits);
        var total = 0.0;
        var index = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shift = Vector256.Create((double)maximum);
            var scale = Vector256.Create(inverseTemperature);
            var sum = Vector256<double>.Zero;
            for (; index <= logits.Length - 8; index += 8)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(logits.Slice(index, 8)));
                var lowWeights = Vector256.Exp((low - shift) * scale);
                var highWeights = Vector256.Exp((high - shift) * scale);
                lowWeights.CopyTo(weights, index);
                highWeights.CopyTo(weights, index + 4);
                sum += lowWeights + highWeights;
            }
            total = Vector256.Sum(sum);
        }
        for (; index < logits.Length; index++)
        {
            weights[index] = Math.Exp((logits[index] - (double)maximum) * inverseTemperature);
            total += weights[index];
        }
        return total;
    }

    private static float Maximum(ReadOnlySpan<float> logits)
    {
        var index = 0;
        var maximum = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && logits.Length >= 8)
        {
            var lanes = Vector256.Create(float.NegativeInfinity);
            for (; index <= logits.Length - 8; index += 8)
            {
                lanes = Vector256.Max(lanes, Vector256.Create(logits.Slice(index, 8)));
            }
            for (var lane = 0; lane < 8; lane++)
            {
                maximum = MathF.Max(maximum, lanes[lane]);
            }
        }
        for (; index < logits.Length; index++)
        {
            maximum = MathF.Max(maximum, logits[index]);
        }
        return maximum;
    }

    private static int DrawInTokenOrder(ReadOnlySpan<double> weights, double total, Random random)
    {
        var draw = random.NextDouble() * total;
        for (var token = 0; token < weights.Length; token++)
        {
            draw -= weights[token];
            if (draw <= 0)
            {
                return token;
            }
        }
        return weights.Length - 1;
    }

    /// <summary>The <paramref name="k"/> heaviest tokens, heaviest first, into <paramref name="ranked"/>: a min-heap of k over
    /// one pass, then a sort of the k.</summary>
    private static int RankTopK(ReadOnlySpan<double> weights, int k, int[] ranked)
    {
        var heap = ranked.AsSpan(0, k);
        for (var token = 0; token < k; token++)
        {
            heap[token] = token;
            SiftUp(heap, token, weights);
        }
        for (var token = k; token < weights.Length; token++)
        {
            if (weights[token] > weights[heap[0]])
            {
                heap[0] = token;
                SiftDown(heap, 0, weights);
            }
        }
        SortHeaviestFirst(heap, weights);
        return k;
    }

    /// <summary>
    /// Tokens enough to hold the top-p nucleus, heaviest first: every token in the exponent buckets that, from the
    /// heaviest down, first reach p of the mass. The nucleus is a prefix of them (the draw stops inside it), so
    /// sorting these is enough; with p ≥ 1 (top-k off, only reached through <see cref="Candidates"/>) that is all.
    /// </summary>
    private static int RankNucleusCandidates(ReadOnlySpan<double> weights, double total, double topP, int[] ranked)
    {
        Span<double> bucketMass = stackalloc double[ExponentBuckets];
        bucketMass.Clear();
        foreach (var weight in weights)
        {
            bucketMass[Bucket(weight)] += weight;
        }
        var target = Math.Min(topP, 1.0) * total;
        var lastBucket = ExponentBuckets - 1;
        var mass = 0.0;
        for (var bucket = 0; bucket < ExponentBuckets; bucket++)
        {
            mass += bucketMass[bucket];
            // A margin, so that summing in another order cannot leave the nucleus a token short.
            if (topP < 1.0 && mass >= target * (1 + 1e-9))
            {
                lastBucket = bucket;
                break;
            }
        }
        var count = 0;
        for (var token = 0; token < weights.Length; token++)
        {
            if (Bucket(weights[token]) <= lastBucket)
            {
                ranked[count++] = token;
            }
        }
        SortHeaviestFirst(ranked.AsSpan(0, count), weights);
        return count;
    }

    private static int Bucket(double weight)
    {
        if (!(weight > 0))
        {
            return ExponentBuckets - 1;
        }
        // −ilogb(w) for w ∈ (0, 1] is 0 for [1, 1] ∪ [0.5, 1) … exactly the bucket index.
        var exponent = -Math.ILogB(weight);
        return Math.Clamp(exponent - 1 + (weight >= 1.0 ? 1 : 0), 0, ExponentBuckets - 1);
    }

    /// <summary>How many of the ranked tokens form the top-p nucleus (all with p ≥ 1), and their mass. p is a share of
    /// <paramref name="wholeMass"/>: the whole vocabulary's, or with null the ranked tokens' own (the k of top-k).</summary>
    private static int Nucleus(double[] weights, ReadOnlySpan<int> ranked, double? wholeMass, double topP, out double keptTotal)
    {
        var rankedTotal = 0.0;
        foreach (var token in ranked)
        {
            rankedTotal += weights[token];
        }
        keptTotal = rankedTotal;
        if (topP >= 1.0)
        {
            return ranked.Length;
        }
        var target = topP * (wholeMass ?? rankedTotal);
        var cumulative = 0.0;
        for (var index = 0; index < ranked.Length; index++)
        {
            cumulative += weights[ranked[index]];
            if (cumulative >= target)
            {
                keptTotal = cumulative;
                return index + 1;
            }
        }
        return ranked.Length;
    }

    private static int DrawRanked(double[] weights, ReadOnlySpan<int> ranked, double? wholeMass, double topP, Random random)
    {
        var keep = Nucleus(weights, ranked, wholeMass, topP, out var keptTotal);
        var draw = random.NextDouble() * keptTotal;
        for (var index = 0; index < keep; index++)
        {
            draw -= weights[ranked[index]];
            if (draw <= 0)
            {
                return ranked[index];
            }
        }
        return ranked[keep - 1];
    }

    private static void SortHeaviestFirst(Span<int> tokens, ReadOnlySpan<double> weights)
    {
        var keys = ArrayPool<double>.Shared.Rent(tokens.Length);
        try
        {
            for (var index = 0; index < tokens.Length; index++)
            {
                keys[index] = -weights[tokens[index]];
            }
            keys.AsSpan(0, tokens.Length).Sort(tokens);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
        }
    }

    private static void SiftUp(Span<int> heap, int position, ReadOnlySpan<double> weights)
    {
        while (position > 0)
        {
            var parent = (position - 1) / 2;
            if (weights[heap[parent]] <= weights[heap[position]])
            {
                return;
            }
            (heap[parent], heap[position]) = (heap[position], heap[parent]);
            position = parent;
        }
    }

    private static void SiftDown(Span<int> heap, int position, ReadOnlySpan<double> weights)
    {
        while (true)
        {
            var smallest = position;
            var left = (2 * position) + 1;
            var right = left + 1;
            if (left < heap.Length && weights[heap[left]] < weights[heap[smallest]])
            {
                smallest = left;
            }
            if (right < heap.Length && weights[heap[right]] < weights[heap[smallest]])
            {
                smallest = right;
            }
            if (smallest == position)
            {
                return;
            }
            (heap[smallest], heap[position]) = (heap[position], heap[smallest]);
            position = smallest;
        }
    }
}
