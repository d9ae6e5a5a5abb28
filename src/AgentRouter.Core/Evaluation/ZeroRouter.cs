using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Evaluation;

/// <summary>RouterBench's Zero router: no routing knowledge, only a mix of single models. Its curve is the
/// non-decreasing convex hull of the single models' (mean cost, accuracy) points, since sending a fraction of
/// queries to one model and the rest to another reaches any point on the chord between them.</summary>
public static class ZeroRouter
{
    public const string Name = "zero";

    /// <summary>One point per agent: its mean cost and accuracy over the queries it has a record for. The point's
    /// <see cref="CostQualityPoint.CostWeight"/> holds the agent's index in the workload (it has no λ).</summary>
    public static IReadOnlyList<CostQualityPoint> SingleModelPoints(ReplayWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return AgentMean.Of(workload).Select(mean => new CostQualityPoint(mean.Agent, mean.Cost, mean.Quality)).ToArray();
    }
}
