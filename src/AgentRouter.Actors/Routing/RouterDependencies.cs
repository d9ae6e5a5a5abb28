using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;

namespace AgentRouter.Actors.Routing;

/// <summary>What a router actor is built from besides its settings.</summary>
/// <param name="Policy">The router's own policy instance; only this router touches it.</param>
/// <param name="ResolveMerge">Builds a pure merge strategy by name (throws <see cref="ArgumentException"/>
/// for unknown names); the router caches one instance per name.</param>
/// <param name="MergeAgent">The merge agent for <c>llm</c> merges; null when none runs.</param>
/// <param name="Featurize">Computes a query's features once, when the caller did not; null for none.</param>
/// <param name="Time">The router's clock for deadlines, the deadline tick, latencies and feedback expiry; null for
/// <see cref="TimeProvider.System"/>. Tests pass a fake clock and advance it.</param>
public sealed record RouterDependencies(
    IRoutingPolicy Policy,
    IReadOnlyList<AgentHandle> Agents,
    Func<string, IMergeStrategy> ResolveMerge,
    IActorRef? MergeAgent = null,
    Func<Query, float[]?>? Featurize = null,
    TimeProvider? Time = null);
