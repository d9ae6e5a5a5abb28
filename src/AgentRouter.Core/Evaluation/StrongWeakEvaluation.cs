using AgentRouter.Core.Domain;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Evaluation;

/// <summary>RouteLLM's metrics for one router on a strong/weak pair.</summary>
/// <param name="StrongAccuracy">The strong model's accuracy (percent) on the queries both models have a record for.</param>
/// <param name="Cpt50">Strong-model calls (percent) to recover 50 % of the weak→strong gap.</param>
public sealed record StrongWeakSummary(
    string Router, string Strong, string Weak, int Queries, double StrongAccuracy, double WeakAccuracy,
    double Cpt50, double Cpt80, double Apgr, IReadOnlyList<StrongWeakPoint> Points);

/// <summary>Runs RouteLLM's protocol on a replay workload: over the queries where both models have a record, the
/// router's strong-win score per query, the decile thresholds, CPT(50 %), CPT(80 %) and APGR.</summary>
public static class StrongWeakEvaluation
{
    /// <summary>RouteLLM's default pair, both present in RouterBench.</summary>
    public const string DefaultStrong = "gpt-4-1106-preview";
    public const string DefaultWeak = "mistralai/mixtral-8x7b-chat";

    /// <returns>Null when the workload lacks either model.</returns>
    public static StrongWeakSummary? Evaluate(ReplayWorkload workload, string router, string strong, string weak, Func<Query, double> strongWinScore)
    {
        if (!workload.TryGetAgentIndex(strong, out var s) || !workload.TryGetAgentIndex(weak, out var w))
        {
            return null;
        }

        var scores = new List<double>();
        var strongQuality = new List<double>();
        var weakQuality = new List<double>();
        foreach (var item in workload.Items)
        {
            if (item.AnswerOf(s) is { } strongAnswer && item.AnswerOf(w) is { } weakAnswer)
            {
                scores.Add(strongWinScore(item.Query));
                strongQuality.Add(strongAnswer.Quality);
                weakQuality.Add(weakAnswer.Quality);
            }
        }

        if (scores.Count == 0)
        {
            return null;
        }

        var strongAccuracy = 100 * strongQuality.Average();
        var weakAccuracy = 100 * weakQuality.Average();
        var points = RouteLlmMetrics.ThresholdSweep(scores, strongQuality, weakQuality);
        return new StrongWeakSummary(router, strong, weak, scores.Count, strongAccuracy, weakAccuracy,
            RouteLlmMetrics.CallsToReach(points, 0.5, strongAccuracy, weakAccuracy),
            RouteLlmMetrics.CallsToReach(points, 0.8, strongAccuracy, weakAccuracy),
            RouteLlmMetrics.Apgr(points, strongAccuracy, weakAccuracy), points);
    }
}
