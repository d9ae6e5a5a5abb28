namespace AgentRouter.Core.Replay;

/// <summary>One replay at one cost weight: mean cost per query and accuracy.</summary>
public readonly record struct CostQualityPoint(double CostWeight, double Cost, double Accuracy);

/// <summary>RouterBench's AIQ (average improvement in quality): the area under a policy's cost/quality curve,
/// normalised by the cost range. The curve is the non-decreasing upper convex hull of the points (a mix of two
/// settings can reach any point between them), extended flat to the largest cost seen; AIQ is its area over
/// [c_min, c_max] divided by (c_max − c_min), where c_min is the hull's cheapest point. When every point has
/// the same cost the AIQ is the best accuracy at that cost.</summary>
public static class AreaUnderCurve
{
    public static double Aiq(IReadOnlyList<CostQualityPoint> points)
    {
        var hull = Hull(points);
        var maxCost = points.Max(point => point.Cost);
        var minCost = hull[0].Cost;
        if (maxCost - minCost <= 0)
        {
            return hull[^1].Accuracy;
        }

        var area = 0.0;
        for (var i = 1; i < hull.Count; i++)
        {
            area += (hull[i].Cost - hull[i - 1].Cost) * (hull[i].Accuracy + hull[i - 1].Accuracy) / 2;
        }

        area += (maxCost - hull[^1].Cost) * hull[^1].Accuracy;
        return area / (maxCost - minCost);
    }

    /// <summary>The non-decreasing upper convex hull, cheapest point first.</summary>
    public static IReadOnlyList<CostQualityPoint> Hull(IReadOnlyList<CostQualityPoint> points)
    {
        if (points.Count == 0)
        {
            throw new ArgumentException("AIQ needs at least one point.", nameof(points));
        }

        var sorted = points.OrderBy(point => point.Cost).ThenByDescending(point => point.Accuracy).ToList();
        var frontier = new List<CostQualityPoint>();
        foreach (var point in sorted)
        {
            if (frontier.Count == 0 || point.Accuracy > frontier[^1].Accuracy)
            {
                frontier.Add(point);
            }
        }

        var hull = new List<CostQualityPoint>();
        foreach (var point in frontier)
        {
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], point) >= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }

            hull.Add(point);
        }

        return hull;
    }

    // > 0 when p lies above the line a→b extended, so b is not on the upper hull.
    private static double Cross(CostQualityPoint a, CostQualityPoint b, CostQualityPoint p) =>
        ((b.Cost - a.Cost) * (p.Accuracy - a.Accuracy)) - ((b.Accuracy - a.Accuracy) * (p.Cost - a.Cost));
}
