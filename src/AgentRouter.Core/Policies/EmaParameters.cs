namespace AgentRouter.Core.Policies;

/// <summary>The EMA estimates <c>ema</c> and <c>ema-lex</c> share (see <see cref="EmaEstimates"/>); defaults: alpha 0.2,
/// perTaskType true, coldQuality 0.5, coldLatencyMs 2000, coldCost 0, coldStability 0.9, qualityPriorWeight 0,
/// maxTaskTypes <see cref="TaskTypeLimit.DefaultMaxTaskTypes"/>.</summary>
public sealed record EmaEstimateParameters(
    double Alpha, bool PerTaskType, double ColdQuality, double ColdLatencyMs, double ColdCost, double ColdStability,
    double QualityPriorWeight, int MaxTaskTypes) : PolicyParameters
{
    internal static EmaEstimateParameters Read(ParameterReader reader) => new(
        reader.Double("alpha", 0.2, 0, 1, minExclusive: true),
        reader.Bool("perTaskType", true),
        reader.Double("coldQuality", 0.5, 0, 1),
        reader.Double("coldLatencyMs", 2000, 0),
        reader.Double("coldCost", 0, 0),
        reader.Double("coldStability", 0.9, 0, 1),
        reader.Double("qualityPriorWeight", 0, 0),
        reader.Int("maxTaskTypes", TaskTypeLimit.DefaultMaxTaskTypes, 1, 1_000_000));
}

/// <summary><c>ema</c>: the estimates plus the score's weights (defaults stabilityWeight 0.1, latencyWeight 0.3,
/// latencyRefMs 5000, costWeight 0.1, costRef: null, derived from the candidates).</summary>
public sealed record EmaParameters(
    EmaEstimateParameters Estimates, double StabilityWeight, double LatencyWeight, double LatencyRefMs, double CostWeight,
    double? CostRef) : PolicyParameters
{
    internal static EmaParameters Read(ParameterReader reader) => new(
        EmaEstimateParameters.Read(reader),
        reader.Double("stabilityWeight", 0.1, 0),
        reader.Double("latencyWeight", 0.3, 0),
        reader.Double("latencyRefMs", 5000, 0, minExclusive: true),
        reader.Double("costWeight", 0.1, 0),
        reader.OptionalDouble("costRef", 0, minExclusive: true));
}
