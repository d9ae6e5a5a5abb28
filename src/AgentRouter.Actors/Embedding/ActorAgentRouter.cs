using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors;

/// <summary><see cref="IAgentRouter"/> over a running <see cref="AgentRouterRuntime"/>.</summary>
internal sealed class ActorAgentRouter(AgentRouterRuntime runtime) : IAgentRouter
{
    // The router always replies by its own deadline; this margin only guards against a router that died.
    private static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(30);

    public async Task<QueryAnswered> AskAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var router = ResolveRouter(options?.Router);
        await using var registration = cancellationToken.Register(() => router.Tell(new CancelQuery(query.Id))).ConfigureAwait(false);
        var outcome = await router.Ask<QueryOutcome>(new RouteQuery(query, options?.ToRouteOptions()), Timeout(options), CancellationToken.None).ConfigureAwait(false);
        return outcome switch
        {
            QueryAnswered answered => answered,
            QueryFailed { Reason: QueryFailureReason.Cancelled } when cancellationToken.IsCancellationRequested => throw new OperationCanceledException(cancellationToken),
            QueryFailed failed => throw new QueryFailedException(failed),
            _ => throw new InvalidOperationException($"unexpected router reply {outcome.GetType().Name}"),
        };
    }

    public async IAsyncEnumerable<RouterEvent> StreamAsync(Query query, AskOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var router = ResolveRouter(options?.Router);
        var channel = Channel.CreateUnbounded<RouterEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var relay = runtime.System.ActorOf(StreamRelayActor.Props(channel.Writer));
        await using var registration = cancellationToken.Register(() => router.Tell(new CancelQuery(query.Id))).ConfigureAwait(false);
        router.Tell(new RouteQuery(query, options?.ToRouteOptions(), Observer: relay), relay);

        // Read to the end even when cancelled: the router answers a cancellation with one terminal event.
        await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return item;
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public async Task<FeedbackResult> SubmitFeedbackAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queryId);
        ArgumentNullException.ThrowIfNull(signal);
        var reply = await runtime.FeedbackCoordinator.Ask<object>(new SubmitFeedback(queryId, signal), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            FeedbackAccepted accepted => new FeedbackResult(queryId, true, null, $"accepted by router '{accepted.Router}'", accepted.Router, accepted.Rewards),
            FeedbackRejected rejected => new FeedbackResult(queryId, false, rejected.Reason, rejected.Message, null, new Dictionary<string, double>()),
            _ => throw new InvalidOperationException($"unexpected feedback reply {reply.GetType().Name}"),
        };
    }

    private IActorRef ResolveRouter(string? name)
    {
        name ??= runtime.DefaultRouter;
        return runtime.Routers.TryGetValue(name, out var router)
            ? router
            : throw new ArgumentException($"Unknown router '{name}'. Routers: {string.Join(", ", runtime.Routers.Keys.Order())}.", nameof(name));
    }

    private static TimeSpan Timeout(AskOptions? options) => (options?.Deadline ?? TimeSpan.FromMinutes(5)) + ReplyMargin;
}
