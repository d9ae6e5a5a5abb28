using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.DecisionProtocol;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors;

/// <summary>The one <see cref="IAgentRouter"/>: over the router actors a <see cref="RouterLocator"/> names, in
/// process or on a cluster router node alike, so per-call options (router, panel, merge, deadlines, agent
/// restriction) mean the same everywhere. Feedback goes to the router that served the query (this client
/// remembers which one it sent each query to), or to <paramref name="feedbackChannel"/> when one is given.</summary>
/// <param name="feedbackCoordinator">Asks every router, for feedback on an id this client did not route (or no
/// longer remembers).</param>
internal sealed class ActorAgentRouter(RouterLocator locator, IActorRef feedbackCoordinator, int servedCapacity,
    IAnsweredQueryJournal? journal = null, IFeedbackChannel? feedbackChannel = null) : IAgentRouter
{
    // The router always replies by its own deadline; this margin only guards against a router that died.
    private static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(30);

    private readonly ServedQueries _served = new(servedCapacity);

    // Cancelled when the actor system terminates (the node shut down or was aborted): its routers will never answer,
    // and an aborted system does not even time out the asks, so calls in flight end with RouterStopped instead.
    private readonly CancellationToken _systemStopped = StoppedToken(locator.System);

    public async Task<QueryAnswered> AskAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var router = locator.Resolve(options?.Router, out var routerName);
        _served.Add(query.Id, routerName);
        await using var registration = cancellationToken.Register(() => router.Tell(new CancelQuery(query.Id))).ConfigureAwait(false);
        QueryOutcome outcome;
        try
        {
            outcome = await router.Ask<QueryOutcome>(new RouteQuery(query, options?.ToRouteOptions(), TraceParent: Tracing.RouterTracing.CurrentTraceParent()), Timeout(options), CancellationToken.None)
                .WaitAsync(_systemStopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_systemStopped.IsCancellationRequested)
        {
            throw new QueryFailedException(RouterStopped(query.Id, routerName));
        }

        switch (outcome)
        {
            case QueryAnswered answered:
                journal?.Record(routerName, query, answered);
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
        var router = locator.Resolve(options?.Router, out var routerName);
        _served.Add(query.Id, routerName);
        var channel = Channel.CreateUnbounded<RouterEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var relay = locator.System.ActorOf(StreamRelayActor.Props(channel.Writer));
        // The stream's contract holds when the node stops: one terminal event, here a RouterStopped failure.
        await using var stopped = _systemStopped.Register(() =>
        {
            channel.Writer.TryWrite(new RouterEvent.Finished(query.Id, RouterStopped(query.Id, routerName)));
            channel.Writer.TryComplete();
        }).ConfigureAwait(false);
        await using var registration = cancellationToken.Register(() => router.Tell(new CancelQuery(query.Id))).ConfigureAwait(false);
        router.Tell(new RouteQuery(query, options?.ToRouteOptions(), Observer: relay, TraceParent: Tracing.RouterTracing.CurrentTraceParent()), relay);

        // Read to the end even when cancelled: the router answers a cancellation with one terminal event.
        await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (item is RouterEvent.Finished { Outcome: QueryAnswered answered })
            {
                journal?.Record(routerName, query, answered);
            }

            yield return item;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public async Task<RoutingDecision> DecideAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var router = locator.Resolve(options?.Router, out var routerName);
        var reply = await router.Ask<object>(new DecideOnly(query, options?.PanelSize, options?.Agents), ControlTimeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            DecisionMade made => made.Decision,
            DecisionRefused refused => throw new QueryFailedException(new QueryFailed(refused.QueryId, routerName, refused.Reason, refused.Message, [])),
            _ => throw new InvalidOperationException($"unexpected router reply {reply.GetType().Name}"),
        };
    }

    public async Task<IReadOnlyList<RouterStats>> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var asks = locator.Routers.Values.Select(r => r.Ask<RouterStats>(GetRouterStats.Instance, ControlTimeout, cancellationToken));
        return await Task.WhenAll(asks).ConfigureAwait(false);
    }

    public async Task<FeedbackResult> SubmitFeedbackAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queryId);
        ArgumentNullException.ThrowIfNull(signal);
        if (feedbackChannel is not null)
        {
            return await feedbackChannel.SubmitAsync(queryId, signal, cancellationToken).ConfigureAwait(false);
        }

        // Addressed to the router that served the query; only an id this client never routed goes to every router.
        var target = _served.TryGet(queryId, out var routerName) && locator.Routers.TryGetValue(routerName, out var served) ? served : feedbackCoordinator;
        var reply = await target.Ask<object>(new SubmitFeedback(queryId, signal, Tracing.RouterTracing.CurrentTraceParent()), ControlTimeout, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            FeedbackAccepted accepted => new FeedbackResult(queryId, true, null, $"accepted by router '{accepted.Router}'", accepted.Router, accepted.Rewards),
            FeedbackRejected rejected => new FeedbackResult(queryId, false, rejected.Reason, rejected.Message, null, new Dictionary<string, double>()),
            _ => throw new InvalidOperationException($"unexpected feedback reply {reply.GetType().Name}"),
        };
    }

    private static CancellationToken StoppedToken(ActorSystem system)
    {
        var stopped = new CancellationTokenSource();
        system.WhenTerminated.ContinueWith(_ => stopped.Cancel(), TaskScheduler.Default);
        return stopped.Token;
    }

    private static QueryFailed RouterStopped(string queryId, string routerName) =>
        new(queryId, routerName, QueryFailureReason.RouterStopped, $"router '{routerName}' stopped (its node shut down) before it answered query '{queryId}'", []);

    private static TimeSpan Timeout(AskOptions? options) => (options?.Deadline ?? TimeSpan.FromMinutes(5)) + ReplyMargin;
}
