using System.Collections.Concurrent;
using System.Diagnostics;
using AgentRouter.Actors;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Hosting;
using AgentRouter.LocalAgents;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Registers the <c>local</c> and <c>simulated</c> kinds (the agents a run uses) with modelled latency;
    /// <c>remote</c> agents keep their measured latency (a remote endpoint is not reproducible anyway).</summary>
    public static AgentRouterBuilder UseModelledLatency(this AgentRouterBuilder builder, MeasuredLatencies measured)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddBackend(LocalBackendRegistration.Kind, Wrap(LocalBackendRegistration.Factory(AgentRouterHost.LocalModels), measured))
            .AddBackend(SimulatedBackendSettings.Kind, provider => Wrap(SimulatedBackendSettings.Factory(provider.GetRequiredService<TimeProvider>()), measured));
    }

    private static BackendFactory Wrap(BackendFactory inner, MeasuredLatencies measured) =>
        (manifest, errors) => inner(manifest, errors) is { } backend
            ? new ModelledLatencyBackend(backend, Math.Max(MinimumMs, manifest.ExpectedLatencyMs), measured)
            : null;

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
