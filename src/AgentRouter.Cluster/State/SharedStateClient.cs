using AgentRouter.Actors;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;

namespace AgentRouter.Cluster.State;

/// <summary>What a router node with shared state adds to the one <see cref="IAgentRouter"/>: each answered query is
/// recorded in Redis (through the write buffer), and feedback goes to the cluster's feedback stream, so any router
/// node credits it and every node's policy learns it. Invalid signals are rejected at once.</summary>
internal sealed class SharedStateClient(ClusterStateWriter writer) : IAnsweredQueryJournal, IFeedbackChannel
{
    public void Record(string router, Query query, QueryAnswered answered) =>
        writer.Enqueue(new PendingWrite.AnsweredRecord(query.Id, new AnsweredQueryRecord(router, query, answered.Analyses, answered.Answer.Choice).ToJson()));

    /// <summary>The feedback is queued and applied asynchronously (at least once, once per query id); the result says
    /// it was queued.</summary>
    public Task<FeedbackResult> SubmitAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken)
    {
        if (FeedbackCredit.SignalError(signal) is { } error)
        {
            return Task.FromResult(new FeedbackResult(queryId, false, FeedbackRejection.Invalid, error, null, new Dictionary<string, double>()));
        }

        writer.Enqueue(new PendingWrite.FeedbackAppend(new FeedbackEntry(queryId, signal, DateTimeOffset.UtcNow).ToJson()));
        return Task.FromResult(new FeedbackResult(queryId, true, null, "queued on the cluster feedback stream; applied once, by whichever router node consumes it", null, new Dictionary<string, double>()));
    }
}
