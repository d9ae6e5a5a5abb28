using Akka.Configuration;
using AgentRouter.Actors.Configuration;

namespace AgentRouter.Cluster.Hosting;

/// <summary>A cluster node's settings (the <c>agentrouter.cluster</c> section), built from a <see cref="Config"/>
/// whose fallback is AgentRouter.Cluster's embedded <c>reference.conf</c>; <see cref="Default"/> is that file alone.</summary>
/// <param name="MaximumFrameSizeBytes">Largest remoting frame; send and receive buffers are twice this.</param>
/// <param name="LeaveDrainTimeout">How long a leaving node waits for its buffered writes to reach Redis.</param>
public sealed record ClusterSettings(
    long MaximumFrameSizeBytes,
    TimeSpan LeaveDrainTimeout,
    ClusterTuning ProductionTuning,
    ClusterTuning FastTuning,
    SharedStateDefaults SharedState)
{
    public const string Section = "agentrouter.cluster";

    /// <summary>Akka.Remote refuses smaller frames.</summary>
    public const long MinimumFrameSizeBytes = 32_000;

    /// <summary>AgentRouter.Cluster's embedded defaults, over the actor runtime's.</summary>
    public static Config Reference { get; } = ReferenceConfig.Load(typeof(ClusterSettings).Assembly).WithFallback(ReferenceConfig.Runtime);

    public static ClusterSettings Default { get; } = Create(Reference);

    /// <exception cref="ConfigurationException">A value is missing, malformed or out of range; the message starts with its key.</exception>
    public static ClusterSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var reader = new SettingsReader(ReferenceConfig.Over(config, Reference), Section);
        var shared = reader.Section("shared-state");
        return new ClusterSettings(
            reader.Bytes("maximum-frame-size", MinimumFrameSizeBytes),
            reader.Duration("leave-drain-timeout"),
            ClusterTuning.Create(reader.Section("tuning.production")),
            ClusterTuning.Create(reader.Section("tuning.fast")),
            new SharedStateDefaults(
                shared.String("key-prefix"),
                shared.Int("buffer-capacity", min: 1),
                shared.Int("outcome-log-max-length", min: 1),
                shared.Int("feedback-stream-max-length", min: 1),
                shared.Duration("answered-time-to-live"),
                shared.Duration("poll-interval"),
                shared.Duration("retry-interval"),
                shared.Duration("snapshot-interval"),
                shared.Duration("claim-idle"),
                shared.Duration("unknown-feedback-grace")));
    }
}

/// <summary>What <see cref="State.SharedStateOptions"/> uses for the values it leaves unset.</summary>
public sealed record SharedStateDefaults(
    string KeyPrefix,
    int BufferCapacity,
    int OutcomeLogMaxLength,
    int FeedbackStreamMaxLength,
    TimeSpan AnsweredTimeToLive,
    TimeSpan PollInterval,
    TimeSpan RetryInterval,
    TimeSpan SnapshotInterval,
    TimeSpan ClaimIdle,
    TimeSpan UnknownFeedbackGrace);
