namespace AgentRouter.Cluster.State;

/// <summary>Live counters of the shared-state machinery, written by its background loops and read by status
/// endpoints, tests and benchmarks. <see cref="Degraded"/> is true while Redis is unreachable: routers then
/// serve from their local policy state and buffer their updates.</summary>
public sealed class ClusterStateMonitor
{
    private long _dropped;
    private long _feedbackApplied;
    private long _feedbackDuplicates;
    private long _feedbackUnknown;
    private long _feedbackInvalid;
    private long _feedbackReclaimed;
    private long _feedbackParked;
    private long _outcomesApplied;
    private long _malformedEntries;
    private long _policyErrors;
    private long _snapshotsSaved;
    private long _degradedEpisodes;
    private volatile bool _degraded;
    private volatile string? _lastError;
    private int _buffered;

    public bool Degraded => _degraded;

    public string? LastError => _lastError;

    internal void ReportUnreachable(Exception error)
    {
        _lastError = $"{DateTimeOffset.UtcNow:O} {error.GetType().Name}: {error.Message}";
        if (!_degraded)
        {
            _degraded = true;
            Interlocked.Increment(ref _degradedEpisodes);
        }
    }

    internal void ReportReachable() => _degraded = false;

    internal void SetBuffered(int count) => Volatile.Write(ref _buffered, count);

    internal void CountDropped() => Interlocked.Increment(ref _dropped);

    internal void CountFeedbackApplied() => Interlocked.Increment(ref _feedbackApplied);

    internal void CountFeedbackDuplicate() => Interlocked.Increment(ref _feedbackDuplicates);

    internal void CountFeedbackUnknown() => Interlocked.Increment(ref _feedbackUnknown);

    internal void CountFeedbackInvalid() => Interlocked.Increment(ref _feedbackInvalid);

    internal void CountFeedbackReclaimed(int count) => Interlocked.Add(ref _feedbackReclaimed, count);

    internal void CountFeedbackParked() => Interlocked.Increment(ref _feedbackParked);

    internal void CountOutcomeApplied() => Interlocked.Increment(ref _outcomesApplied);

    internal void CountMalformed() => Interlocked.Increment(ref _malformedEntries);

    internal void CountPolicyError() => Interlocked.Increment(ref _policyErrors);

    internal void CountSnapshotSaved() => Interlocked.Increment(ref _snapshotsSaved);

    public SharedStateStatus Status() => new(
        _degraded,
        _lastError,
        Volatile.Read(ref _buffered),
        Interlocked.Read(ref _dropped),
        Interlocked.Read(ref _degradedEpisodes),
        Interlocked.Read(ref _outcomesApplied),
        Interlocked.Read(ref _feedbackApplied),
        Interlocked.Read(ref _feedbackDuplicates),
        Interlocked.Read(ref _feedbackUnknown),
        Interlocked.Read(ref _feedbackInvalid),
        Interlocked.Read(ref _feedbackReclaimed),
        Interlocked.Read(ref _malformedEntries),
        Interlocked.Read(ref _policyErrors),
        Interlocked.Read(ref _snapshotsSaved),
        Interlocked.Read(ref _feedbackParked));
}

/// <param name="Buffered">Updates waiting for Redis (bounded; the oldest are dropped when full).</param>
/// <param name="Dropped">Updates lost because the buffer overflowed during an outage.</param>
/// <param name="DegradedEpisodes">How many times Redis became unreachable.</param>
/// <param name="OutcomesApplied">Outcome-log entries this node applied to its policies.</param>
/// <param name="FeedbackDuplicates">Feedback entries ignored because their query's feedback was already applied.</param>
/// <param name="FeedbackUnknown">Feedback given up because its query's answered record did not appear in Redis
/// within the unknown-feedback grace (unknown id, window passed, or the serving node stopped before writing it).</param>
/// <param name="FeedbackReclaimed">Feedback entries taken over from consumers that stopped, or retried (XAUTOCLAIM).</param>
/// <param name="FeedbackParked">Times a feedback entry was left pending because its answered record was not in Redis
/// yet; it is retried every claim-idle until the record appears or the grace passes.</param>
public sealed record SharedStateStatus(
    bool Degraded,
    string? LastError,
    int Buffered,
    long Dropped,
    long DegradedEpisodes,
    long OutcomesApplied,
    long FeedbackApplied,
    long FeedbackDuplicates,
    long FeedbackUnknown,
    long FeedbackInvalid,
    long FeedbackReclaimed,
    long MalformedEntries,
    long PolicyErrors,
    long SnapshotsSaved,
    long FeedbackParked);
