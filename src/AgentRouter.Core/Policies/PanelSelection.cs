using System.Numerics;
using System.Runtime.Intrinsics;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Shared pieces of every Select: argument checks and picking the panel from scores.</summary>
internal static class PanelSelection
{
    /// <summary>Largest candidate count whose scratch space goes on the stack.</summary>
    public const int StackLimit = 256;

    /// <exception cref="ArgumentException">No candidates, or a panel size below 1.</exception>
    public static void Validate(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw new ArgumentException($"Query '{query.Id}': there are no candidates to route to.", nameof(candidates));
        }

        if (panelSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(panelSize), panelSize, "The panel size must be at least 1.");
        }
    }

    /// <summary>The <paramref name="panelSize"/> highest scores, best first; ties go to the earlier candidate.</summary>
    public static string[] TopK(ReadOnlySpan<double> scores, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        var take = Math.Min(panelSize, scores.Length);
        Span<int> indices = take <= StackLimit ? stackalloc int[take] : new int[take];
        TopK(scores, indices);
        var panel = new string[take];
        for (var i = 0; i < take; i++)
        {
            panel[i] = candidates[indices[i]].Name;
        }

        return panel;
    }

    /// <summary>Fills <paramref name="panel"/> with the indices of the highest scores, best first; ties go to the earlier
    /// candidate. Allocates nothing for up to <see cref="StackLimit"/> candidates.</summary>
    public static void TopK(ReadOnlySpan<double> scores, Span<int> panel)
    {
        var count = scores.Length;
        if (panel.Length == 1)
        {
            panel[0] = ArgMax(scores);
            return;
        }

        Span<bool> taken = count <= StackLimit ? stackalloc bool[count] : new bool[count];
        for (var pick = 0; pick < panel.Length; pick++)
        {
            var best = -1;
            for (var i = 0; i < count; i++)
            {
                if (!taken[i] && (best < 0 || scores[i] > scores[best]))
                {
                    best = i;
                }
            }

            taken[best] = true;
            panel[pick] = best;
        }
    }

    /// <summary>The index of the first highest score (a NaN never wins, except at index 0, which then stays). Sampled scores
    /// (Thompson) make a scan's "is this one larger" a coin toss the branch predictor keeps getting wrong, so the maximum
    /// is found with vector max instructions and then its first index by comparison masks; scores holding a NaN take the
    /// scalar scan, whose answer the vector path reproduces for every other input.</summary>
    public static int ArgMax(ReadOnlySpan<double> scores)
    {
        if (Vector256.IsHardwareAccelerated && scores.Length >= Vector256<double>.Count)
        {
            var width = Vector256<double>.Count;
            var last = scores.Length - width;
            var maximum = Vector256.Create(scores[..width]);
            var unordered = ~Vector256.Equals(maximum, maximum);
            for (var i = width; i < scores.Length; i += width)
            {
                var block = Vector256.Create(scores.Slice(Math.Min(i, last), width));
                unordered |= ~Vector256.Equals(block, block);
                maximum = Vector256.Max(maximum, block);
            }

            if (unordered == Vector256<double>.Zero)
            {
                var best = double.NegativeInfinity;
                for (var lane = 0; lane < width; lane++)
                {
                    best = Math.Max(best, maximum[lane]);
                }

                var target = Vector256.Create(best);
                for (var i = 0; ; i += width)
                {
                    var start = Math.Min(i, last);
                    var hits = Vector256.Equals(Vector256.Create(scores.Slice(start, width)), target).ExtractMostSignificantBits();
                    if (hits != 0)
                    {
                        return start + BitOperations.TrailingZeroCount(hits);
                    }
                }
            }
        }

        return ArgMaxScan(scores);
    }

    private static int ArgMaxScan(ReadOnlySpan<double> scores)
    {
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Fills the first <paramref name="take"/> entries of <paramref name="order"/> with a uniformly
    /// random selection of distinct candidate indices (partial Fisher–Yates).</summary>
    public static void RandomOrder(Span<int> order, int take, DeterministicRandom random)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        for (var i = 0; i < take; i++)
        {
            var j = i + random.NextInt(order.Length - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
