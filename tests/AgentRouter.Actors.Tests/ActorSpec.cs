using AgentRouter.Core.Backends;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using Xunit.Abstractions;

namespace AgentRouter.Actors.Tests;

/// <summary>Shared set-up for the actor specs: agents and routers on the TestKit's actor system.</summary>
public abstract class ActorSpec(ITestOutputHelper output) : TestKit(Config, output)
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        """;

    protected static readonly string[] Abcd = ["A", "B", "C", "D"];

    internal static Query Q(string id) => new(id, $"question {id}", Options: Abcd);

    internal AgentHandle Agent(string name, IModelBackend backend, AgentSettings? settings = null, double expectedLatencyMs = 100)
    {
        var vitals = new AgentVitals(name, backend.Capacity);
        var actor = Sys.ActorOf(ModelAgentActor.Props(name, backend, settings ?? new AgentSettings(Backoff: RestartBackoff.None), vitals), name);
        return new AgentHandle(AgentProfile.Simple(name, latencyMs: expectedLatencyMs), actor, vitals);
    }

    internal IActorRef Router(
        IReadOnlyList<AgentHandle> agents, IRoutingPolicy? policy = null, RouterSettings? settings = null, IActorRef? mergeAgent = null, string name = "router") =>
        Sys.ActorOf(
            RouterActor.Props(
                settings ?? Settings(agents.Count),
                new RouterDependencies(policy ?? new OrderedPolicy(), agents, TestMajorityMerge.Resolve, mergeAgent)),
            name);

    internal static RouterSettings Settings(int panel, TimeSpan? agentDeadline = null, int maxRetries = 2) =>
        new("test", PanelSize: panel, AgentDeadline: agentDeadline ?? TimeSpan.FromSeconds(10), MaxRetries: maxRetries, TickInterval: TimeSpan.FromMilliseconds(5));
}
