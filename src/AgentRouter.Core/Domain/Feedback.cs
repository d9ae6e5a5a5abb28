namespace AgentRouter.Core.Domain;

public enum OutcomeStatus
{
    Succeeded,
    Failed,
    TimedOut,
}

/// <summary>What one agent's answer to one query turned out to be worth. It may arrive long after the
/// decision (delayed feedback).</summary>
/// <param name="Quality">Reward in [0, 1]; correctness is 1 or 0.</param>
public sealed record AgentOutcome(
    string Agent,
    double Quality,
    double LatencyMs,
    double Cost,
    OutcomeStatus Status = OutcomeStatus.Succeeded)
{
    public bool Succeeded => Status == OutcomeStatus.Succeeded;
}

/// <summary>Feedback for one query: an outcome per agent that served it.</summary>
public sealed record Feedback(string QueryId, IReadOnlyList<AgentOutcome> Outcomes);
