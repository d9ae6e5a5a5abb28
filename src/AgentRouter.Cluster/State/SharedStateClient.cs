using AgentRouter.Actors;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;

namespace AgentRouter.Cluster.State;

/// <summary>What a router node with shared state adds to the one <see cref="IAgentRouter"/>: each answered query is
/// recorded in Redis (through the write buffer) and kept in this node's memory for its feedback window, and feedback
/// goes to the cluster's feedback stream, so any router node credits it and every node's policy learns it. Invalid
/// signals are rejected at once.</summary>
internal sealed class SharedStateClient(ClusterStateWriter writer, LocalAnswers answers) : IAnsweredQueryJournal, IFeedbackChannel
{
    public void Record(string router, Query query, QueryAnswered answered)
    {
        var json = new AnsweredQueryRecord(router, query, answered.Analyses, answered.Answer.Choice).ToJson();
        answers.Add(query.Id, json);
        writer.Enqueue(new PendingWrite.AnsweredRecord(query.Id, json));
    }

    /// <summary>Accepts the feedback only once it is in Redis: the entry is appended to the feedback stream now (with
    /// the query's answered record written again first, when this node served the query), and applied asynchronously,
    /// at least once and once per query id. While Redis is unreachable the feedback is not accepted
    /// (<see cref="FeedbackRejection.Unavailable"/>): the client keeps it and sends it again.</summary>
    public async Task<FeedbackResult> SubmitAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken)
    {
        if (FeedbackCredit.SignalError(signal) is { } error)
        {
            return Rejected(queryId, FeedbackRejection.Invalid, error);
        }

        var answeredJson = answers.TryGet(queryId, out var json) ? json : null;
        try
        {
            await writer.AppendFeedbackNowAsync(new FeedbackEntry(queryId, signal, DateTimeOffset.UtcNow), answeredJson, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsUnreachable(e))
        {
            return Rejected(queryId, FeedbackRejection.Unavailable,
                "the cluster's shared state (Redis) is unreachable, so the feedback could not be recorded; it was not accepted: send it again later");
        }

        return new FeedbackResult(queryId, true, null, "recorded on the cluster feedback stream; applied once, by whichever router node consumes it", null, new Dictionary<string, double>());
    }

    private static FeedbackResult Rejected(string queryId, FeedbackRejection reason, string message) =>
        new(queryId, false, reason, message, null, new Dictionary<string, double>());
}
