namespace AgentRouter.Cluster.Hosting;

/// <summary>Failure detection and downing timings. <see cref="Production"/> tolerates GC pauses and busy hosts;
/// <see cref="Fast"/> is for tests and local benchmarks on loopback, where a dead node should be noticed in about
/// a second. Both use the split-brain resolver's keep-majority strategy.</summary>
public sealed record ClusterTuning(
    TimeSpan HeartbeatInterval,
    TimeSpan AcceptableHeartbeatPause,
    TimeSpan GossipInterval,
    TimeSpan StableAfter,
    TimeSpan ReaperInterval)
{
    public static readonly ClusterTuning Production = new(
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));

    public static readonly ClusterTuning Fast = new(
        TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250));
}
