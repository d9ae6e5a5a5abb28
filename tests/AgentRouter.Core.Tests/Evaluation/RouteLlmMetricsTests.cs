using AgentRouter.Core.Evaluation;

namespace AgentRouter.Core.Tests.Evaluation;

public sealed class RouteLlmMetricsTests
{
    [Fact]
    public void Threshold_sweep_CPT_and_APGR_match_a_hand_computed_case()
    {
        // Two bins: edges 0.1, 0.5 (median of .4 and .6), 0.9. ≥0.1: all strong (75 %); ≥0.5: q3,q4 strong, q1,q2 weak
        // (50 %); >0.9: all weak (25 %). Curve (0,25) (50,50) (100,75).
        var points = RouteLlmMetrics.ThresholdSweep([0.1, 0.4, 0.6, 0.9], [1, 1, 1, 0], [1, 0, 0, 0], bins: 2);
        Assert.Equal([100.0, 50, 0], points.Select(p => p.StrongPercent));
        Assert.Equal([75.0, 50, 25], points.Select(p => p.Accuracy));
        Assert.Equal(0.5, points[1].Threshold, 12);
        Assert.Equal(50, RouteLlmMetrics.CallsToReach(points, 0.5, 75, 25), 12);
        Assert.Equal(80, RouteLlmMetrics.CallsToReach(points, 0.8, 75, 25), 12); // 65 % reached 3/5 of the way from 50 to 100
        Assert.Equal(0.5, RouteLlmMetrics.Apgr(points, 75, 25), 12); // (50 − 25) / (75 − 25)
    }

    [Fact]
    public void A_router_that_ranks_the_strong_wins_first_recovers_the_gap_with_few_strong_calls()
    {
        // 10 queries; the strong model fixes exactly queries 0 and 1, which the router scores highest.
        double[] scores = [0.9, 0.8, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2];
        double[] strong = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
        double[] weak = [0, 0, 1, 1, 1, 1, 0, 0, 0, 0];
        var points = RouteLlmMetrics.ThresholdSweep(scores, strong, weak);
        Assert.Equal(10, RouteLlmMetrics.CallsToReach(points, 0.5, 60, 40), 9);
        Assert.True(RouteLlmMetrics.Apgr(points, 60, 40) > 0.8);
    }
}
