namespace AgentRouter.Harness;

/// <summary>What one chat call to an OpenAI-compatible endpoint returned (after retries).</summary>
/// <param name="Text">The answer: an AgentRouter server's single agent's raw text when it reports one, else the content.</param>
/// <param name="ReportedCost">The cost the endpoint reported (AgentRouter's <c>agentrouter.cost</c>, or <c>usage.cost</c>).</param>
/// <param name="Panel">An AgentRouter router's panel, when the endpoint reports one.</param>
/// <param name="Members">An AgentRouter router's per-member analyses (agent, text, cost, latency, succeeded).</param>
public sealed record EndpointReply(
    string Text,
    int? InputTokens,
    int? OutputTokens,
    double? ReportedCost,
    double LatencyMs,
    double? TtftMs,
    int Attempts,
    IReadOnlyList<string>? Panel = null,
    IReadOnlyList<(string Agent, string Text, double Cost, double LatencyMs, bool Succeeded)>? Members = null);

/// <summary>A call that failed for good: not transient, or still failing after the retries.</summary>
public sealed class EndpointCallException(string message, int attempts, int? status, Exception? inner = null) : Exception(message, inner)
{
    public int Attempts { get; } = attempts;

    public int? Status { get; } = status;
}
