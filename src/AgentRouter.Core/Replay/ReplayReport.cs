namespace AgentRouter.Core.Replay;

/// <summary>One policy's line in the report.</summary>
/// <param name="CostVsBestSingle">Total cost divided by the best single agent's total cost.</param>
/// <param name="AccuracyVsBestSingle">Accuracy divided by the best single agent's accuracy.</param>
/// <param name="Aiq">AIQ over the λ grid; null for baselines (they have no cost weight).</param>
/// <param name="TrafficShare">Fraction of panel slots per agent.</param>
public sealed record PolicySummary(
    string Policy,
    string Kind,
    int Queries,
    double Accuracy,
    double TotalCost,
    double MeanCost,
    double CostVsBestSingle,
    double AccuracyVsBestSingle,
    double? Aiq,
    IReadOnlyList<CostQualityPoint> AiqPoints,
    double CumulativeRegret,
    IReadOnlyList<double> RegretCurve,
    IReadOnlyDictionary<string, double> TrafficShare,
    double MeanDecisionMicroseconds,
    int Abstained,
    int GoldFallbacks);

/// <summary>Everything a replay produced, ready to be written out.</summary>
public sealed record ReplayReport(
    DateTimeOffset CreatedAt,
    string Source,
    string Format,
    int Queries,
    IReadOnlyList<string> Agents,
    ReplayLoadReport Load,
    ReplaySettings Settings,
    IReadOnlyList<double> AiqGrid,
    string BestSingleAgent,
    IReadOnlyList<PolicySummary> Policies,
    string? Warmup = null,
    Evaluation.AiqNormalisation AiqNormalisation = Evaluation.AiqNormalisation.RouterBench)
{
    /// <summary>RouteLLM's strong/weak metrics per router, when the report has the pair (else empty).</summary>
    public IReadOnlyList<Evaluation.StrongWeakSummary> StrongWeak { get; init; } = [];
}
