using AgentRouter.Actors.Configuration;

namespace AgentRouter.Cluster.Hosting;

/// <summary>Failure detection and downing timings (<c>agentrouter.cluster.tuning</c> in reference.conf).
/// <see cref="Production"/> tolerates GC pauses and busy hosts; <see cref="Fast"/> is for tests and local benchmarks
/// on loopback, where a dead node should be noticed in about a second. Both use the split-brain resolver's
/// keep-majority strategy.</summary>
public sealed record ClusterTuning(
    TimeSpan HeartbeatInterval,
    TimeSpan AcceptableHeartbeatPause,
    TimeSpan GossipInterval,
    TimeSpan StableAfter,
    TimeSpan ReaperInterval)
{
    public static ClusterTuning Production => ClusterSettings.Default.ProductionTuning;

    public static ClusterTuning Fast => ClusterSettings.Default.FastTuning;

    /// <summary>A tuning section such as <c>agentrouter.cluster.tuning.fast</c>.</summary>
    public static ClusterTuning Create(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new ClusterTuning(
            section.Duration("heartbeat-interval"),
            section.Duration("acceptable-heartbeat-pause"),
            section.Duration("gossip-interval"),
            section.Duration("stable-after"),
            section.Duration("reaper-interval"));
    }
}
