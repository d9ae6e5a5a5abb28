namespace AgentRouter.Core.Domain;

/// <summary>Price of one call to an agent, in US dollars.</summary>
public sealed record CostModel(double PerCall = 0, double PerInputToken = 0, double PerOutputToken = 0)
{
    public static readonly CostModel Free = new();

    public double Estimate(int inputTokens, int outputTokens) =>
        PerCall + PerInputToken * inputTokens + PerOutputToken * outputTokens;
}

/// <summary>What a router knows about an agent before it has seen any of its answers.</summary>
/// <param name="WeightsId">Identity of the weights the agent runs on (base model + adapter); agents with
/// equal ids can share KV state, and cache-aware policies use it to tell resident models apart.</param>
public sealed record AgentProfile(
    string Name,
    IReadOnlyList<string> Tags,
    CostModel Cost,
    double TypicalLatencyMs,
    string? WeightsId = null)
{
    public static AgentProfile Simple(string name, double costPerCall = 0, double latencyMs = 1000) =>
        new(name, Array.Empty<string>(), new CostModel(PerCall: costPerCall), latencyMs);
}
