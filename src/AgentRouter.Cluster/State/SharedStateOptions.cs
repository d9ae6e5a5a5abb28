namespace AgentRouter.Cluster.State;

/// <summary>Where the shared routing state lives and how the background loops pace themselves.</summary>
/// <param name="Redis">A StackExchange.Redis configuration string (e.g. <c>localhost:6379</c>).</param>
/// <param name="BufferCapacity">Updates buffered while Redis is unreachable; past it the oldest are dropped (counted).</param>
/// <param name="OutcomeLogMaxLength">Approximate bound of each policy's outcome log (XADD MAXLEN ~).</param>
/// <param name="FeedbackStreamMaxLength">Approximate bound of the feedback stream.</param>
/// <param name="AnsweredTimeToLive">How long an answered query accepts feedback cluster-wide.</param>
/// <param name="PollInterval">Idle wait of the log and feedback readers when their stream has nothing new.</param>
/// <param name="RetryInterval">Wait between attempts while Redis is unreachable.</param>
/// <param name="SnapshotInterval">How often each policy's snapshot is saved when it has changed.</param>
/// <param name="ClaimIdle">A feedback entry read but not acknowledged for this long is taken over by another consumer.</param>
public sealed record SharedStateOptions(
    string Redis,
    string KeyPrefix = "ar",
    int BufferCapacity = 100_000,
    int OutcomeLogMaxLength = 1_000_000,
    int FeedbackStreamMaxLength = 1_000_000,
    TimeSpan? AnsweredTimeToLive = null,
    TimeSpan? PollInterval = null,
    TimeSpan? RetryInterval = null,
    TimeSpan? SnapshotInterval = null,
    TimeSpan? ClaimIdle = null)
{
    public TimeSpan EffectiveAnsweredTimeToLive => AnsweredTimeToLive ?? TimeSpan.FromMinutes(10);

    public TimeSpan EffectivePollInterval => PollInterval ?? TimeSpan.FromMilliseconds(20);

    public TimeSpan EffectiveRetryInterval => RetryInterval ?? TimeSpan.FromMilliseconds(250);

    public TimeSpan EffectiveSnapshotInterval => SnapshotInterval ?? TimeSpan.FromSeconds(5);

    public TimeSpan EffectiveClaimIdle => ClaimIdle ?? TimeSpan.FromSeconds(30);
}
