using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Evaluation;

/// <summary>How AIQ divides the area under a router's curve.</summary>
public enum AiqNormalisation
{
    /// <summary>RouterBench's evaluation/AIQ.py: the hull, extended flat to the largest cost any router in the
    /// comparison reaches (c_max), integrated by the trapezoid rule from the hull's cheapest point, divided by c_max.</summary>
    RouterBench,

    /// <summary>The variant this project used first: the area over [c_min, c_max] divided by (c_max − c_min),
    /// c_max being the router's own largest cost (<see cref="AreaUnderCurve"/>).</summary>
    CostRange,
}

/// <summary>A port of RouterBench's <c>evaluation/AIQ.py</c> (withmartian/routerbench): the non-decreasing
/// convex hull of a router's (cost, quality) points and the AIQ computed over a set of routers that share one
/// c_max. The hull follows the reference's pairwise construction step by step (interior costs take the highest
/// value any chord over them reaches; the dearest point is kept only when it is no worse than the last interior
/// point; the cheapest point is put in front; a point lower than its predecessor in cost order is dropped), so
/// that values match it to rounding. Two things the reference leaves undefined are fixed here: with several
/// points at the cheapest (or dearest) cost, numpy's unstable sort picks one of them, here the most accurate;
/// and where the reference raises (fewer than three distinct costs) the hull is the cheapest and the dearest
/// point, the dearer one dropped when it is worse. When c_max is 0 (every router free) the AIQ is the hull's
/// final quality instead of 0 / 0.</summary>
public static class RouterBenchAiq
{
    /// <summary>RouterBench's λ values (<c>WILLINGNESS_TO_PAY</c> in its utils.py): 32 values from 1e-10 to 1e9.</summary>
    public static IReadOnlyList<double> WillingnessToPay { get; } =
    [
        1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 10.0, 50.0, 100.0,
        500.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 7500.0, 10000.0, 25000.0, 50000.0, 75000.0, 100000.0, 1e6, 1e9,
    ];

    /// <summary><c>get_non_descreasing_convex_hull_of</c>: cheapest point first.</summary>
    /// <exception cref="ArgumentException">No points, or a cost or quality that is not finite.</exception>
    public static IReadOnlyList<CostQualityPoint> Hull(IReadOnlyList<CostQualityPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("AIQ needs at least one (cost, quality) point.", nameof(points));
        }

        foreach (var point in points)
        {
            if (!double.IsFinite(point.Cost) || !double.IsFinite(point.Accuracy))
            {
                throw new ArgumentException($"AIQ point at λ={point.CostWeight} has a cost or quality that is not finite ({point.Cost}, {point.Accuracy}).", nameof(points));
            }
        }

        var sorted = points.OrderBy(point => point.Cost).ToArray();
        var first = sorted.Where(point => point.Cost == sorted[0].Cost).MaxBy(point => point.Accuracy);
        var last = sorted.Where(point => point.Cost == sorted[^1].Cost).MaxBy(point => point.Accuracy);
        var hull = new List<CostQualityPoint>();
        for (var i = 0; i < sorted.Length; i++)
        {
            for (var j = i; j < sorted.Length; j++)
            {
                var (x1, y1) = (sorted[i].Cost, sorted[i].Accuracy);
                var (x2, y2) = (sorted[j].Cost, sorted[j].Accuracy);
                foreach (var point in sorted)
                {
                    var x = point.Cost;
                    if (!(x1 < x && x < x2))
                    {
                        continue;
                    }

                    // np.interp(x, [x1, x2], [y1, y2]) computes slope · (x − x1) + y1.
                    var interpolated = ((y2 - y1) / (x2 - x1) * (x - x1)) + y1;
                    var value = point.Accuracy < interpolated ? interpolated : point.Accuracy;
                    var at = hull.FindIndex(existing => existing.Cost == x);
                    if (at < 0)
                    {
                        hull.Add(point with { Accuracy = value });
                    }
                    else if (hull[at].Accuracy < value)
                    {
                        hull[at] = hull[at] with { Accuracy = value };
                    }
                }
            }
        }

        if (!hull.Exists(point => point.Cost == last.Cost) && (hull.Count == 0 || last.Accuracy >= hull[^1].Accuracy))
        {
            hull.Add(last);
        }

        if (!hull.Exists(point => point.Cost == first.Cost))
        {
            hull.Insert(0, first);
        }

        var ordered = hull.OrderBy(point => point.Cost).ToArray();
        // np.delete of every index whose quality is below its predecessor's in the ordered array (not the kept one's).
        return ordered.Where((point, index) => index == 0 || point.Accuracy >= ordered[index - 1].Accuracy).ToArray();
    }

    /// <summary><c>calc_AIQ</c>: one AIQ per router, all extended to the same c_max (the dearest hull point of any).</summary>
    public static IReadOnlyList<double> Aiq(IReadOnlyList<IReadOnlyList<CostQualityPoint>> routers)
    {
        ArgumentNullException.ThrowIfNull(routers);
        var hulls = routers.Select(Hull).ToArray();
        return hulls.Length == 0 ? [] : hulls.Select(hull => AreaOver(hull, hulls.Max(h => h[^1].Cost))).ToArray();
    }

    /// <summary>The AIQ of one hull extended flat to <paramref name="maxCost"/>: trapezoid area ÷ maxCost.</summary>
    public static double AreaOver(IReadOnlyList<CostQualityPoint> hull, double maxCost)
    {
        if (maxCost <= 0)
        {
            return hull[^1].Accuracy;
        }

        var area = 0.0;
        for (var i = 1; i < hull.Count; i++)
        {
            area += (hull[i].Cost - hull[i - 1].Cost) * (hull[i].Accuracy + hull[i - 1].Accuracy) / 2.0;
        }

        area += (maxCost - hull[^1].Cost) * (hull[^1].Accuracy + hull[^1].Accuracy) / 2.0;
        return area / maxCost;
    }
}
