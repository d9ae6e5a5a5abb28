namespace AgentRouter.Core.Policies;

/// <summary>The reward parameters every bandit shares (see <see cref="BanditPolicyBase"/>): costWeight (λ_cost,
/// default 0), latencyWeight (λ_lat per ms, default 0), costRef (null: the candidates' mean expected cost).</summary>
public sealed record RewardParameters(double CostWeight, double LatencyWeight, double? CostRef)
{
    internal static RewardParameters Read(ParameterReader reader) => new(
        reader.Double("costWeight", 0, 0),
        reader.Double("latencyWeight", 0, 0),
        reader.OptionalDouble("costRef", 0, minExclusive: true));

    /// <summary>The reward weights, <see cref="PolicySettings.CostWeight"/> overriding costWeight when given.</summary>
    internal RewardWeights Weights(string policy, PolicySettings settings) =>
        new(ParameterReader.PreferOverride(ParameterReader.CostWeightOverride(policy, settings), CostWeight), LatencyWeight);
}

/// <summary><c>ucb1</c>: exploration scale c (default 1) and the reward parameters.</summary>
public sealed record Ucb1Parameters(RewardParameters Reward, double ExplorationScale) : PolicyParameters
{
    internal static Ucb1Parameters Read(ParameterReader reader) => new(RewardParameters.Read(reader), reader.Double("c", 1, 0));
}

/// <summary><c>thompson</c>: Beta prior (priorAlpha 1, priorBeta 1), Gaussian prior and noise (priorMean 0,
/// priorVariance 1, noiseVariance 0.25) and the reward parameters.</summary>
public sealed record ThompsonParameters(
    RewardParameters Reward, double PriorAlpha, double PriorBeta, double PriorMean, double PriorVariance, double NoiseVariance)
    : PolicyParameters
{
    internal static ThompsonParameters Read(ParameterReader reader) => new(
        RewardParameters.Read(reader),
        reader.Double("priorAlpha", 1, 0, minExclusive: true),
        reader.Double("priorBeta", 1, 0, minExclusive: true),
        reader.Double("priorMean", 0),
        reader.Double("priorVariance", 1, 0, minExclusive: true),
        reader.Double("noiseVariance", 0.25, 0, minExclusive: true));
}

/// <summary><c>epsilon</c>: ε_t = max(epsilonMin, epsilon0·decay^t) (defaults 0.1, 0.999, 0.01) and the reward
/// parameters.</summary>
public sealed record EpsilonGreedyParameters(RewardParameters Reward, double Epsilon0, double Decay, double EpsilonMin) : PolicyParameters
{
    internal static EpsilonGreedyParameters Read(ParameterReader reader) => new(
        RewardParameters.Read(reader),
        reader.Double("epsilon0", 0.1, 0, 1),
        reader.Double("decay", 0.999, 0, 1, minExclusive: true),
        reader.Double("epsilonMin", 0.01, 0, 1));
}

/// <summary><c>linucb</c>: alpha 1 (exploration width), ridge 1, residentPenalty 0 and the reward parameters.</summary>
public sealed record LinUcbParameters(RewardParameters Reward, double Alpha, double Ridge, double ResidentPenalty) : PolicyParameters
{
    internal static LinUcbParameters Read(ParameterReader reader)
    {
        var alpha = reader.Double("alpha", 1, 0);
        var ridge = reader.Double("ridge", 1, 0, minExclusive: true);
        var residentPenalty = reader.Double("residentPenalty", 0, 0);
        return new(RewardParameters.Read(reader), alpha, ridge, residentPenalty);
    }
}
