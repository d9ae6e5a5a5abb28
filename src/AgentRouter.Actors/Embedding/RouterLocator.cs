using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;

namespace AgentRouter.Actors;

/// <summary>Where a client finds its router actors: the in-process runtime's, or a cluster router node's (whose
/// candidates come from cluster membership). <see cref="IAgentRouter"/> is implemented once, over this.</summary>
/// <param name="System">The actor system that hosts per-query relay actors (streaming).</param>
/// <param name="Routers">Router actors by router name.</param>
/// <param name="DefaultRouter">The router used when a call names none.</param>
public sealed record RouterLocator(ActorSystem System, IReadOnlyDictionary<string, IActorRef> Routers, string DefaultRouter)
{
    /// <exception cref="ArgumentException">No router of that name.</exception>
    public IActorRef Resolve(string? name, out string resolved)
    {
        resolved = name ?? DefaultRouter;
        return Routers.TryGetValue(resolved, out var router)
            ? router
            : throw new ArgumentException($"Unknown router '{resolved}'. Routers: {string.Join(", ", Routers.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
    }
}

/// <summary>Sees every answered query of a client (a cluster node records them in the shared outcome log, so that
/// any router node can credit their feedback).</summary>
public interface IAnsweredQueryJournal
{
    void Record(string router, Query query, QueryAnswered answered);
}

/// <summary>Takes feedback instead of the router that served the query (a cluster node with shared state queues
/// it on the cluster's feedback stream).</summary>
public interface IFeedbackChannel
{
    Task<FeedbackResult> SubmitAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken);
}
