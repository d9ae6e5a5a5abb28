using System.Globalization;

namespace AgentRouter.Core.Replay;

/// <summary>Recorded data has no latencies, so replay states one: latency = base + per-token × output tokens,
/// times a uniform jitter factor in [1 − j, 1 + j] drawn from a seeded generator in load order.
/// Output tokens are estimated as ⌈characters / 4⌉ of the recorded response, or
/// <see cref="AssumedOutputTokens"/> when there is none. Per-agent overrides replace base and per-token.</summary>
public sealed record LatencyModel(
    double BaseMs = 400,
    double MsPerOutputToken = 20,
    double Jitter = 0.1,
    int AssumedOutputTokens = 100,
    IReadOnlyDictionary<string, (double BaseMs, double MsPerOutputToken)>? PerAgent = null)
{
    public static readonly LatencyModel Default = new();

    public double Sample(string agent, string? response, Random random)
    {
        var (baseMs, perToken) = PerAgent is not null && PerAgent.TryGetValue(agent, out var own) ? own : (BaseMs, MsPerOutputToken);
        var tokens = response is null ? AssumedOutputTokens : Math.Max(1, (response.Length + 3) / 4);
        var jitter = 1 + (Jitter * ((2 * random.NextDouble()) - 1));
        return (baseMs + (perToken * tokens)) * jitter;
    }

    public double Typical(string agent)
    {
        var (baseMs, perToken) = PerAgent is not null && PerAgent.TryGetValue(agent, out var own) ? own : (BaseMs, MsPerOutputToken);
        return baseMs + (perToken * AssumedOutputTokens);
    }

    public string Describe()
    {
        var overrides = PerAgent is { Count: > 0 } ? $"; {PerAgent.Count} per-agent overrides" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"latency = ({BaseMs} ms + {MsPerOutputToken} ms × output tokens) × U[1−{Jitter}, 1+{Jitter}] (seeded); output tokens = ⌈response chars / 4⌉, {AssumedOutputTokens} when no response is recorded{overrides}");
    }
}
