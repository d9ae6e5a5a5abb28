using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>How a bandit turns an outcome into a scalar reward:
/// <c>reward = quality − λ_cost·cost/cost_ref − λ_lat·latency_ms</c>. Failed and timed-out calls count as
/// quality 0. Cost is divided by a cost reference (the candidates' mean expected per-call cost, see
/// <see cref="CostReference"/>) so that λ_cost is unit-free: λ_cost = 1 charges an average-priced call one
/// full quality point, whatever the currency scale of the data set.</summary>
public sealed record RewardWeights(double CostWeight = 0, double LatencyWeightPerMs = 0)
{
    /// <summary>True when rewards are the raw quality, so 0/1 correctness stays Bernoulli.</summary>
    public bool QualityOnly => CostWeight == 0 && LatencyWeightPerMs == 0;

    public double Reward(AgentOutcome outcome, double costReference)
    {
        var quality = EffectiveQuality(outcome);
        return quality - CostWeight * outcome.Cost / costReference - LatencyWeightPerMs * outcome.LatencyMs;
    }

    public static double EffectiveQuality(AgentOutcome outcome) => outcome.Succeeded ? outcome.Quality : 0;
}
