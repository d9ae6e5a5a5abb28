namespace AgentRouter.Core.Domain;

/// <summary>Why one candidate scored as it did. Numbers only, so that building it stays cheap on the
/// decision path; <see cref="RoutingDecision.Rule"/> says how they combine.</summary>
/// <param name="Exploit">The learned-value part (EMA score, pheromone, posterior mean, θᵀx).</param>
/// <param name="Explore">The exploration / heuristic part (UCB bonus, η, sampled noise); 0 if none.</param>
public readonly record struct CandidateScore(string Agent, double Score, double Exploit, double Explore);

/// <summary>The panel chosen for one query, best first, and the evidence for it.</summary>
/// <param name="Scores">One entry per candidate offered, in the order offered.</param>
/// <param name="Rule">Human-readable statement of how scores were formed and the panel picked.</param>
public sealed record RoutingDecision(
    string QueryId,
    string Policy,
    IReadOnlyList<string> Panel,
    IReadOnlyList<CandidateScore> Scores,
    string Rule);
