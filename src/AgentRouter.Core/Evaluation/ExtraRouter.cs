using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Evaluation;

/// <summary>A router the replay builds itself rather than by catalog name (a trained predictive router, a
/// contextual policy over embeddings): <paramref name="Create"/> makes a fresh instance for one λ of
/// <paramref name="Grid"/> (null: the router's own default λ).</summary>
/// <param name="Kind">Its kind in the report ("predictive", "contextual").</param>
public sealed record ExtraRouter(string Name, string Kind, IReadOnlyList<double> Grid, Func<double?, IRoutingPolicy> Create);
