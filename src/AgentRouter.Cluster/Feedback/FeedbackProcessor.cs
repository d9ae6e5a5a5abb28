using System.Diagnostics;
using Akka.Event;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Routing;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Domain;
using StackExchange.Redis;

namespace AgentRouter.Cluster.Feedback;

/// <summary>Consumes the feedback stream as one member of the cluster-wide <c>routers</c> consumer group, so each
/// feedback entry is worked on by one router node at a time. Delivery is at least once: an entry is acknowledged
/// only after its rewards are in the policy's outcome log, and entries a stopped consumer left unacknowledged are
/// taken over (XAUTOCLAIM) once idle. Applying is idempotent by query id: the rewards and a per-query marker are
/// written by one Lua script, so a redelivered or repeated feedback appends nothing. Feedback whose answered record is
/// not in Redis (yet) is never dropped at once: it is left pending, retried every claim-idle through the same
/// XAUTOCLAIM, and given up (counted as unknown) only after the unknown-feedback grace.</summary>
public sealed class FeedbackProcessor(
    string consumer, IDatabase database, ClusterKeys keys, SharedStateOptions options, ClusterStateMonitor monitor, ILoggingAdapter log)
{
    private const int ReadCount = 256;

    public string Consumer { get; } = consumer;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var grouped = false;
        var lastClaim = Stopwatch.GetTimestamp();
        var claimEvery = options.EffectiveClaimIdle / 2;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!grouped)
                {
                    await EnsureGroupAsync().ConfigureAwait(false);
                    grouped = true;
                }

                var handled = 0;
                if (Stopwatch.GetElapsedTime(lastClaim) >= claimEvery)
                {
                    handled += await ReclaimAsync().ConfigureAwait(false);
                    lastClaim = Stopwatch.GetTimestamp();
                }

                var entries = await database.StreamReadGroupAsync(keys.Feedback, ClusterKeys.FeedbackGroup, Consumer, ">", ReadCount).ConfigureAwait(false);
                await HandleAsync(entries).ConfigureAwait(false);
                handled += entries.Length;
                monitor.ReportReachable();
                if (handled == 0)
                {
                    await Task.Delay(options.EffectivePollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                grouped = false;
            }
            catch (Exception e) when (RedisConnection.IsUnreachable(e))
            {
                monitor.ReportUnreachable(e);
                grouped = false;
                await Task.Delay(options.EffectiveRetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task EnsureGroupAsync()
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(keys.Feedback, ClusterKeys.FeedbackGroup, "0-0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another router node created it first.
        }
    }

    /// <summary>Takes over entries another consumer read but has not acknowledged for <see cref="SharedStateOptions.ClaimIdle"/>.</summary>
    public async Task<int> ReclaimAsync()
    {
        var total = 0;
        RedisValue start = "0-0";
        do
        {
            var claimed = await database.StreamAutoClaimAsync(
                keys.Feedback, ClusterKeys.FeedbackGroup, Consumer, (long)options.EffectiveClaimIdle.TotalMilliseconds, start, ReadCount).ConfigureAwait(false);
            var live = claimed.ClaimedEntries.Where(e => !e.IsNull).ToArray();
            if (live.Length > 0)
            {
                monitor.CountFeedbackReclaimed(live.Length);
                log.Info("feedback: consumer {0} took over {1} unacknowledged entries", Consumer, live.Length);
                await HandleAsync(live).ConfigureAwait(false);
                total += live.Length;
            }

            if (claimed.DeletedIds.Length > 0)
            {
                // Trimmed away (MAXLEN) while pending: nothing left to deliver; XAUTOCLAIM already dropped them.
                log.Warning("feedback: {0} pending entries were trimmed from the stream before being processed", claimed.DeletedIds.Length);
            }

            start = claimed.NextStartId;
        }
        while (start != "0-0");
        return total;
    }

    private async Task HandleAsync(StreamEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return;
        }

        var settled = await Task.WhenAll(entries.Select(ApplyAsync)).ConfigureAwait(false);
        var done = entries.Where((_, i) => settled[i]).Select(e => e.Id).ToArray();
        if (done.Length > 0)
        {
            await database.StreamAcknowledgeAsync(keys.Feedback, ClusterKeys.FeedbackGroup, done).ConfigureAwait(false);
        }
    }

    /// <returns>Whether the entry is settled (applied, a duplicate, invalid, or given up) and may be acknowledged;
    /// false leaves it pending, to be retried.</returns>
    private async Task<bool> ApplyAsync(StreamEntry entry)
    {
        var id = entry.Id.ToString();
        FeedbackEntry feedback;
        try
        {
            feedback = FeedbackEntry.FromJson(entry["f"].ToString(), id);
        }
        catch (FormatException e)
        {
            monitor.CountMalformed();
            log.Error(e, "feedback: skipped malformed entry {0}", id);
            return true;
        }

        var answeredKey = keys.Answered(feedback.QueryId);
        var answeredJson = await database.StringGetAsync(answeredKey).ConfigureAwait(false);
        if (answeredJson.IsNull)
        {
            // The record may still be in the serving node's write buffer (Redis was unreachable or restarted): keep the
            // entry pending, so XAUTOCLAIM hands it back after claim-idle, until the grace has passed.
            var waited = DateTimeOffset.UtcNow - feedback.SubmittedAt;
            if (waited < options.EffectiveUnknownFeedbackGrace)
            {
                monitor.CountFeedbackParked();
                return false;
            }

            monitor.CountFeedbackUnknown();
            log.Warning("feedback for query {0} (entry {1}) given up after {2}: no answered record (unknown id, its window of {3} passed, or its router stopped before recording it)",
                feedback.QueryId, id, waited, options.EffectiveAnsweredTimeToLive);
            return true;
        }

        var answered = AnsweredQueryRecord.FromJson(answeredJson.ToString(), answeredKey);
        var (rewards, error) = FeedbackCredit.Compute(answered.Analyses.Select(PanelOutcome.From).ToArray(), answered.MergedChoice, feedback.Signal);
        if (rewards is null)
        {
            monitor.CountFeedbackInvalid();
            log.Warning("feedback for query {0} (entry {1}) rejected: {2}", feedback.QueryId, id, error);
            return true;
        }

        var eventId = "fb:" + feedback.QueryId;
        var payloads = answered.Analyses
            .Where(a => rewards.ContainsKey(a.Agent))
            .Select(a => (RedisValue)new OutcomeEvent(eventId, Consumer, answered.Query, new AgentOutcome(a.Agent, rewards[a.Agent], a.LatencyMs, a.Cost)).ToJson())
            .ToArray();
        var appended = await database.ScriptEvaluateAsync(
            RedisScripts.AppendOutcomesOnce,
            [keys.Appended(answered.Router, eventId), keys.Outcomes(answered.Router)],
            [(long)(options.EffectiveAnsweredTimeToLive.TotalSeconds * 2), options.EffectiveOutcomeLogMaxLength, .. payloads]).ConfigureAwait(false);
        if ((long)appended == 1)
        {
            monitor.CountFeedbackApplied();
        }
        else
        {
            monitor.CountFeedbackDuplicate();
        }

        return true;
    }
}
