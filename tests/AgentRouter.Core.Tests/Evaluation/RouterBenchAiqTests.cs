using AgentRouter.Core.Evaluation;
using AgentRouter.Core.Replay;
using FsCheck;
using FsCheck.Fluent;

namespace AgentRouter.Core.Tests.Evaluation;

public sealed class RouterBenchAiqTests
{
    private static CostQualityPoint P(double cost, double accuracy) => new(0, cost, accuracy);

    [Fact]
    public void Hull_lifts_an_interior_point_to_the_chord_and_drops_a_dearer_worse_point()
    {
        // x=2: the chord (1,.5)-(3,.9) gives .7 > .6; x=3 keeps .9; (4,.85) is below the last interior point: dropped.
        var hull = RouterBenchAiq.Hull([P(3, 0.9), P(1, 0.5), P(4, 0.85), P(2, 0.6)]);
        Assert.Equal([1.0, 2.0, 3.0], hull.Select(p => p.Cost));
        Assert.Equal(0.5, hull[0].Accuracy, 12);
        Assert.Equal(0.7, hull[1].Accuracy, 12);
        Assert.Equal(0.9, hull[2].Accuracy, 12);
    }

    [Fact]
    public void Aiq_is_the_area_up_to_the_shared_largest_cost_divided_by_it()
    {
        // Hand-computed: c_max = 3 (router A's dearest hull point). A: trapezoids 0.6 + 0.8 over [1,3] → 1.4 / 3.
        // B: one point (2, .8) extended flat to 3 → 0.8 / 3 (the area below its cheapest cost counts as zero).
        var aiqs = RouterBenchAiq.Aiq([[P(1, 0.5), P(2, 0.6), P(3, 0.9), P(4, 0.85)], [P(2, 0.8)]]);
        Assert.Equal(1.4 / 3, aiqs[0], 12);
        Assert.Equal(0.8 / 3, aiqs[1], 12);
    }

    [Fact]
    public void Worked_example_of_a_lambda_sweep_with_repeated_points_and_a_plateau()
    {
        // RouterBench's definition applied to a sweep that repeats points (many λ route identically), climbs, then
        // reaches a plateau and falls: hull (0.1,.3) (0.2,.6) (0.3,.667) (0.5,.8) (0.9,.8); the point at 1.5 is worse and dropped,
        // (0.3, .5) is lifted to the chord, so c_max is 0.9 and AIQ = (.045 + .21 + .32) / .9.
        var sweep = new[] { P(0.1, 0.3), P(0.1, 0.3), P(0.2, 0.6), P(0.2, 0.6), P(0.3, 0.5), P(0.5, 0.8), P(0.9, 0.8), P(1.5, 0.7) };
        var hull = RouterBenchAiq.Hull(sweep);
        Assert.Equal([0.1, 0.2, 0.3, 0.5, 0.9], hull.Select(p => p.Cost));
        Assert.Equal(0.6 + (0.2 / 3), hull[2].Accuracy, 12); // (0.3, .5) is lifted to the chord (0.2,.6)-(0.5,.8)
        Assert.Equal(0.8, hull[4].Accuracy, 12);
        var aiq = RouterBenchAiq.Aiq([sweep])[0];
        Assert.Equal((0.045 + 0.21 + 0.32) / 0.9, aiq, 12);
    }

    [Fact]
    public void Bad_points_are_rejected_with_their_lambda()
    {
        var error = Assert.Throws<ArgumentException>(() => RouterBenchAiq.Hull([new CostQualityPoint(5, double.NaN, 0.5)]));
        Assert.Contains("λ=5", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RouterBenchAiq.Hull([]));
    }

    [Fact]
    public void Zero_router_area_equals_the_upper_hull_area_of_the_independent_implementation()
    {
        // Cross-check against AreaUnderCurve's monotone-chain hull: both must bound the same area from c0 to c_max.
        Prop.ForAll(
            Gen.ListOf(Gen.Zip(Gen.Choose(1, 50), Gen.Choose(0, 100))).Where(list => list.Count > 0).ToArbitrary(),
            pairs =>
            {
                var points = pairs.Select(p => P(p.Item1 / 10.0, p.Item2 / 100.0)).ToArray();
                var aiq = RouterBenchAiq.Aiq([points])[0];
                var hull = AreaUnderCurve.Hull(points);
                var maxCost = RouterBenchAiq.Hull(points)[^1].Cost;
                var area = 0.0;
                for (var i = 1; i < hull.Count; i++)
                {
                    area += (hull[i].Cost - hull[i - 1].Cost) * (hull[i].Accuracy + hull[i - 1].Accuracy) / 2;
                }

                area += (maxCost - hull[^1].Cost) * hull[^1].Accuracy;
                return Math.Abs(aiq - (area / maxCost)) < 1e-9;
            }).QuickCheckThrowOnFailure();
    }
}
