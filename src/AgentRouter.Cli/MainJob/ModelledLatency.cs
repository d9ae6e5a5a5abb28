using System.Collections.Concurrent;
using System.Diagnostics;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cli.MainJob;

/// <summary>Wall-clock latencies measured per (query, agent) while the analyses carry the modelled ones.</summary>
internal sealed class MeasuredLatencies
{
    private readonly ConcurrentDictionary<(string QueryId, string Agent), double> _measured = new();

    public void Record(string queryId, string agent, double milliseconds) => _measured[(queryId, agent)] = milliseconds;

    /// <summary>The measured latency, or <paramref name="fallback"/> when the call was not wrapped.</summary>
    public double Get(string queryId, string agent, double fallback) =>
        _measured.TryGetValue((queryId, agent), out var milliseconds) ? milliseconds : fallback;
}

/// <summary>Makes a run reproducible on any machine and under any load: every backend's analysis reports a
/// deterministic latency (the manifest's <c>expectedLatencyMs</c>), so policies that learn from latency (EMA,
/// pheromone, the bandits' latency penalty) see the same numbers on every run; the wall-clock latency is kept
/// in <see cref="MeasuredLatencies"/> for the report.</summary>
internal static class ModelledLatency
{
    /// <summary>The smallest modelled latency: 0 would make the agent actor substitute its own measurement.</summary>
    public const double MinimumMs = 1;

    /// <summary>Wraps every registered backend kind of <paramref name="options"/>.</summary>
    public static AgentRouterOptions UseModelledLatency(this AgentRouterOptions options, MeasuredLatencies measured)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var kind in options.BackendFactories.Keys.ToList())
        {
            var inner = options.BackendFactories[kind];
            options.BackendFactories[kind] = (manifest, errors) => inner(manifest, errors) is { } backend
                ? new ModelledLatencyBackend(backend, Math.Max(MinimumMs, manifest.ExpectedLatencyMs), measured)
                : null;
        }
        return options;
    }

    private sealed class ModelledLatencyBackend(IModelBackend inner, double modelledMs, MeasuredLatencies measured) : IModelBackend
    {
        public int Capacity => inner.Capacity;

        public async ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var analysis = await inner.AnalyzeAsync(agent, query, onToken, cancellationToken).ConfigureAwait(false);
            measured.Record(query.Id, agent, analysis.LatencyMs > 0 ? analysis.LatencyMs : Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return analysis with { LatencyMs = modelledMs };
        }
    }
}
