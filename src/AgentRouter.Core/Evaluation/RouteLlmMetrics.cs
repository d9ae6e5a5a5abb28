namespace AgentRouter.Core.Evaluation;

/// <summary>One threshold of a strong/weak router: the share of queries sent to the strong model (percent, 0–100)
/// and the accuracy reached (percent, 0–100), as RouteLLM's evals/evaluate.py tabulates them.</summary>
public readonly record struct StrongWeakPoint(double Threshold, double StrongPercent, double Accuracy);

/// <summary>RouteLLM's strong/weak metrics (lm-sys/RouteLLM, routellm/evals/evaluate.py and benchmarks.py):
/// thresholds at the deciles of the router's per-query strong-win score, CPT(p) (the strong-model calls needed to
/// recover a fraction p of the gap between the weak and the strong model) and APGR (the area under the
/// accuracy / strong-share curve, as a fraction of the gap). Differences, both where the reference is undefined:
/// pandas' qcut raises when decile edges repeat, here repeated edges are dropped (qcut's duplicates='drop'); and
/// np.interp is only defined for increasing accuracies, here CPT is the first crossing of the target on the curve
/// ordered by strong share.</summary>
public static class RouteLlmMetrics
{
    /// <summary>benchmarks.py <c>evaluate</c>: thresholds = the 11 edges of <c>pd.qcut(scores, 10)</c>; a query goes
    /// to the strong model when its score ≥ the threshold (&gt; for the last edge).</summary>
    /// <param name="strongWinScores">Per query, the router's score for the strong model (higher = more likely strong).</param>
    /// <param name="strongQuality">Per query, the strong model's recorded correctness.</param>
    /// <param name="weakQuality">Per query, the weak model's recorded correctness.</param>
    public static IReadOnlyList<StrongWeakPoint> ThresholdSweep(
        IReadOnlyList<double> strongWinScores, IReadOnlyList<double> strongQuality, IReadOnlyList<double> weakQuality, int bins = 10)
    {
        if (strongWinScores.Count == 0 || strongWinScores.Count != strongQuality.Count || strongWinScores.Count != weakQuality.Count)
        {
            throw new ArgumentException("RouteLLM sweep needs the same non-zero number of scores and strong/weak outcomes.", nameof(strongWinScores));
        }

        var sorted = strongWinScores.Order().ToArray();
        var edges = Enumerable.Range(0, bins + 1).Select(i => Quantile(sorted, (double)i / bins)).Distinct().ToArray();
        var points = new List<StrongWeakPoint>(edges.Length);
        for (var e = 0; e < edges.Length; e++)
        {
            var strong = 0;
            var correct = 0.0;
            for (var q = 0; q < strongWinScores.Count; q++)
            {
                var toStrong = e != edges.Length - 1 ? strongWinScores[q] >= edges[e] : strongWinScores[q] > edges[e];
                strong += toStrong ? 1 : 0;
                correct += toStrong ? strongQuality[q] : weakQuality[q];
            }

            points.Add(new StrongWeakPoint(edges[e], 100.0 * strong / strongWinScores.Count, 100.0 * correct / strongWinScores.Count));
        }

        return points;
    }

    /// <summary>CPT(p): strong-model calls (percent) at which accuracy first reaches weak + p·(strong − weak).</summary>
    public static double CallsToReach(IReadOnlyList<StrongWeakPoint> points, double fraction, double strongAccuracy, double weakAccuracy)
    {
        var target = (fraction * (strongAccuracy - weakAccuracy)) + weakAccuracy;
        var curve = points.OrderBy(point => point.StrongPercent).ToArray();
        if (curve[0].Accuracy >= target)
        {
            return curve[0].StrongPercent;
        }

        for (var i = 1; i < curve.Length; i++)
        {
            if (curve[i].Accuracy >= target)
            {
                var (a, b) = (curve[i - 1], curve[i]);
                return b.Accuracy == a.Accuracy ? b.StrongPercent : a.StrongPercent + ((target - a.Accuracy) / (b.Accuracy - a.Accuracy) * (b.StrongPercent - a.StrongPercent));
            }
        }

        return curve[^1].StrongPercent; // np.interp clamps to the last value when the target is never reached
    }

    /// <summary>APGR: (AUC − weak AUC) / (strong AUC − weak AUC), each AUC a trapezoid over strong share / 100.</summary>
    public static double Apgr(IReadOnlyList<StrongWeakPoint> points, double strongAccuracy, double weakAccuracy)
    {
        var curve = points.OrderBy(point => point.StrongPercent).ToArray();
        var auc = 0.0;
        for (var i = 1; i < curve.Length; i++)
        {
            auc += (curve[i].StrongPercent - curve[i - 1].StrongPercent) / 100 * (curve[i].Accuracy + curve[i - 1].Accuracy) / 2;
        }

        var span = (curve[^1].StrongPercent - curve[0].StrongPercent) / 100;
        var weakAuc = weakAccuracy * span;
        var strongAuc = strongAccuracy * span;
        return strongAuc == weakAuc ? double.NaN : (auc - weakAuc) / (strongAuc - weakAuc);
    }

    /// <summary>numpy's default ('linear') quantile of sorted data.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var low = (int)Math.Floor(h);
        return low + 1 < sorted.Length ? sorted[low] + ((h - low) * (sorted[low + 1] - sorted[low])) : sorted[low];
    }
}
