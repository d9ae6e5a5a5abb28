namespace AgentRouter.Core.Domain;

/// <summary>An agent that may serve the current query, with its live state at decision time.</summary>
/// <param name="Load">Current load in [0, 1]: in-flight requests divided by the agent's capacity.</param>
/// <param name="Resident">False when the agent's model is not loaded (cache-aware policies penalise it).</param>
public readonly record struct Candidate(AgentProfile Profile, double Load = 0, bool Resident = true)
{
    public string Name => Profile.Name;
}
