using AgentRouter.Cluster.Hosting;

namespace AgentRouter.Cluster.State;

/// <summary>Where the shared routing state lives and how the background loops pace themselves.</summary>
/// <param name="Redis">A StackExchange.Redis configuration string (e.g. <c>localhost:6379</c>).</param>
/// <remarks>Every value left null comes from <c>agentrouter.cluster.shared-state</c> in reference.conf.</remarks>
/// <param name="BufferCapacity">Updates buffered while Redis is unreachable; past it the oldest are dropped (counted).</param>
/// <param name="OutcomeLogMaxLength">Approximate bound of each policy's outcome log (XADD MAXLEN ~).</param>
/// <param name="FeedbackStreamMaxLength">Approximate bound of the feedback stream.</param>
/// <param name="AnsweredTimeToLive">How long an answered query accepts feedback cluster-wide.</param>
/// <param name="PollInterval">Idle wait of the log and feedback readers when their stream has nothing new.</param>
/// <param name="RetryInterval">Wait between attempts while Redis is unreachable.</param>
/// <param name="SnapshotInterval">How often each policy's snapshot is saved when it has changed.</param>
/// <param name="ClaimIdle">A feedback entry read but not acknowledged for this long is taken over by another consumer.</param>
/// <param name="UnknownFeedbackGrace">How long feedback whose answered record is not in Redis stays pending (retried
/// every <paramref name="ClaimIdle"/>) before it is given up as unknown.</param>
public sealed record SharedStateOptions(
    string Redis,
    string? KeyPrefix = null,
    int? BufferCapacity = null,
    int? OutcomeLogMaxLength = null,
    int? FeedbackStreamMaxLength = null,
    TimeSpan? AnsweredTimeToLive = null,
    TimeSpan? PollInterval = null,
    TimeSpan? RetryInterval = null,
    TimeSpan? SnapshotInterval = null,
    TimeSpan? ClaimIdle = null,
    TimeSpan? UnknownFeedbackGrace = null)
{
    public string EffectiveKeyPrefix => KeyPrefix ?? Defaults.KeyPrefix;

    public int EffectiveBufferCapacity => BufferCapacity ?? Defaults.BufferCapacity;

    public int EffectiveOutcomeLogMaxLength => OutcomeLogMaxLength ?? Defaults.OutcomeLogMaxLength;

    public int EffectiveFeedbackStreamMaxLength => FeedbackStreamMaxLength ?? Defaults.FeedbackStreamMaxLength;

    public TimeSpan EffectiveAnsweredTimeToLive => AnsweredTimeToLive ?? Defaults.AnsweredTimeToLive;

    public TimeSpan EffectivePollInterval => PollInterval ?? Defaults.PollInterval;

    public TimeSpan EffectiveRetryInterval => RetryInterval ?? Defaults.RetryInterval;

    public TimeSpan EffectiveSnapshotInterval => SnapshotInterval ?? Defaults.SnapshotInterval;

    public TimeSpan EffectiveClaimIdle => ClaimIdle ?? Defaults.ClaimIdle;

    public TimeSpan EffectiveUnknownFeedbackGrace => UnknownFeedbackGrace ?? Defaults.UnknownFeedbackGrace;

    /// <summary>The unset values' defaults: <c>agentrouter.cluster.shared-state</c> in reference.conf.</summary>
    private static SharedStateDefaults Defaults => ClusterSettings.Default.SharedState;
}
