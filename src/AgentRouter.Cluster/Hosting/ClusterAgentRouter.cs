using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cluster.Hosting;

/// <summary><see cref="IAgentRouter"/> on a router node. With shared state, each answered query is recorded in
/// Redis (through the write buffer) and feedback goes to the feedback stream, so any router node credits it and
/// every node's policy learns it; without Redis, feedback goes to this node's routers as in the single process.</summary>
internal sealed class ClusterAgentRouter(ClusterNode node, ClusterStateWriter? writer) : IAgentRouter
{
    private static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(30);

    public async Task<QueryAnswered> AskAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var router = ResolveRouter(options?.Router, out var routerName);
        await using var registration = cancellationToken.Register(() => router.Tell(new CancelQuery(query.Id))).ConfigureAwait(false);
        var outcome = await router.Ask<QueryOutcome>(new RouteQuery(query, ToRouteOptions(options)), Timeout(options), CancellationToken.None).ConfigureAwait(false);
        switch (outcome)
        {
            case QueryAnswered answered:
                writer?.Enqueue(new PendingWrite.AnsweredRecord(query.Id, new AnsweredQueryRecord(routerName, query, answered.Analyses, answered.Answer.Choice).ToJson()));
                return answered;
            case QueryFailed { Reason: QueryFailureReason.Cancelled } when cancellationToken.IsCancellationRequested:
                throw new OperationCanceledException(cancellationToken);
            case QueryFailed failed:
                throw new QueryFailedException(failed);
            default:
                throw new InvalidOperationException($"unexpected router reply {outcome.GetType().Name}");
        }
    }

    public async IAsyncEnumerable<RouterEvent> StreamAsync(Query query, AskOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var router = ResolveRouter(options?.Router, out var routerName);
        var channel = Channel.CreateUnbounded<RouterEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var relay = node.System.ActorOf(StreamRelayActor.Props(channel.Writer));
        await using var registration = cancellationToken.Register(() => router.Tell(new CancelQuery(query.Id))).ConfigureAwait(false);
        router.Tell(new RouteQuery(query, ToRouteOptions(options), Observer: relay), relay);
        await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (item is RouterEvent.Finished { Outcome: QueryAnswered answered })
            {
                writer?.Enqueue(new PendingWrite.AnsweredRecord(query.Id, new AnsweredQueryRecord(routerName, query, answered.Analyses, answered.Answer.Choice).ToJson()));
            }

            yield return item;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>With shared state the feedback is queued on the feedback stream and applied asynchronously (at
    /// least once, once per query id); the result says it was queued. Invalid signals are rejected at once.</summary>
    public async Task<FeedbackResult> SubmitFeedbackAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queryId);
        ArgumentNullException.ThrowIfNull(signal);
        if (writer is null)
        {
            var reply = await node.FeedbackCoordinator!.Ask<object>(new SubmitFeedback(queryId, signal), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            return reply switch
            {
                FeedbackAccepted accepted => new FeedbackResult(queryId, true, null, $"accepted by router '{accepted.Router}'", accepted.Router, accepted.Rewards),
                FeedbackRejected rejected => new FeedbackResult(queryId, false, rejected.Reason, rejected.Message, null, new Dictionary<string, double>()),
                _ => throw new InvalidOperationException($"unexpected feedback reply {reply.GetType().Name}"),
            };
        }

        if (SignalError(signal) is { } error)
        {
            return new FeedbackResult(queryId, false, FeedbackRejection.Invalid, error, null, new Dictionary<string, double>());
        }

        writer.Enqueue(new PendingWrite.FeedbackAppend(new FeedbackEntry(queryId, signal, DateTimeOffset.UtcNow).ToJson()));
        return new FeedbackResult(queryId, true, null, "queued on the cluster feedback stream; applied once, by whichever router node consumes it", null, new Dictionary<string, double>());
    }

    private static string? SignalError(FeedbackSignal signal) => signal switch
    {
        FeedbackSignal.AnswerReward { Reward: var r } when !double.IsFinite(r) || r is < 0 or > 1 => $"reward {r} is outside [0, 1]",
        FeedbackSignal.CorrectChoice { Choice: var c } when string.IsNullOrWhiteSpace(c) => "the correct choice is empty",
        FeedbackSignal.PerAgentRewards { Rewards: var rewards } when rewards.Values.Any(v => !double.IsFinite(v) || v is < 0 or > 1) => "a per-agent reward is outside [0, 1]",
        _ => null,
    };

    private IActorRef ResolveRouter(string? name, out string resolved)
    {
        resolved = name ?? node.DefaultRouter!;
        return node.Routers.TryGetValue(resolved, out var router)
            ? router
            : throw new ArgumentException($"Unknown router '{resolved}'. Routers: {string.Join(", ", node.Routers.Keys.Order())}.", nameof(name));
    }

    private static RouteOptions? ToRouteOptions(AskOptions? options) =>
        options is null ? null : new RouteOptions(options.PanelSize, options.MergeStrategy, options.AgentDeadline, options.Deadline);

    private static TimeSpan Timeout(AskOptions? options) => (options?.Deadline ?? TimeSpan.FromMinutes(5)) + ReplyMargin;
}
