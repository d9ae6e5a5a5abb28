using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

public class AreaUnderCurveTests
{
    private static CostQualityPoint P(double cost, double accuracy) => new(0, cost, accuracy);

    [Fact]
    public void Matches_a_hand_computed_area()
    {
        // Frontier (1,.5) (2,.6) (3,.9); (2,.6) lies under the chord (1,.5)→(3,.9) so the hull drops it;
        // (4,.8) is dominated, but it extends the curve flat to cost 4.
        // Area = 2·(.5+.9)/2 + 1·.9 = 2.3 over the cost range 4 − 1 = 3.
        var points = new[] { P(3, 0.9), P(1, 0.5), P(4, 0.8), P(2, 0.6) };
        Assert.Equal([P(1, 0.5), P(3, 0.9)], AreaUnderCurve.Hull(points));
        Assert.Equal(2.3 / 3, AreaUnderCurve.Aiq(points), 12);
    }

    [Fact]
    public void Keeps_points_on_a_concave_frontier()
    {
        // (0,0) (1,.8) (2,1): the middle point is above the chord, so it stays. Area .4 + .9 = 1.3 over 2.
        var points = new[] { P(0, 0), P(1, 0.8), P(2, 1) };
        Assert.Equal(3, AreaUnderCurve.Hull(points).Count);
        Assert.Equal(0.65, AreaUnderCurve.Aiq(points), 12);
    }

    [Fact]
    public void One_cost_gives_the_best_accuracy_at_it()
    {
        Assert.Equal(0.7, AreaUnderCurve.Aiq([P(2, 0.7), P(2, 0.6)]), 12);
        Assert.Throws<ArgumentException>(() => AreaUnderCurve.Aiq([]));
    }
}
