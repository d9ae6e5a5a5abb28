namespace AgentRouter.Core.Replay;

/// <summary>How a replay is run.</summary>
/// <param name="Seed">Seeds the query order and every policy.</param>
/// <param name="PanelSize">Agents per query for online policies (baselines always use one).</param>
/// <param name="Merge">Merge strategy name for panels larger than one.</param>
/// <param name="FeedbackDelay">Outcomes of query i reach the policy just before query i + delay is routed (0: right after).</param>
public sealed record ReplaySettings(int Seed = 1, int PanelSize = 1, string Merge = "majority", int FeedbackDelay = 0)
{
    /// <summary>The default λ grid for AIQ: the policy's cost weight at each point.</summary>
    public static IReadOnlyList<double> DefaultAiqGrid { get; } = [0, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20];
}
