using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Routing;
using static AgentRouter.Cluster.Discovery.DiscoveryProtocol;

namespace AgentRouter.Cluster.Discovery;

/// <summary>Keeps the routers of this node supplied with every agent in the cluster. It follows membership
/// (member up, unreachable, reachable again, left, removed) and asks each reachable <c>models</c> member's
/// <see cref="AgentRegistryActor"/> for its agents; the failure detector's verdict is the one signal used, so a
/// killed node's agents leave the candidate sets as soon as the node is unreachable, before it is downed.</summary>
public sealed class ClusterAgentDirectoryActor : ReceiveActor, IWithTimers
{
    public const string Name = "agent-directory";

    private readonly IReadOnlyList<IActorRef> _routers;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<Address, List<AgentHandle>> _byNode = [];
    private readonly HashSet<Address> _awaiting = [];

    public ClusterAgentDirectoryActor(IReadOnlyList<IActorRef> routers)
    {
        _routers = routers;
        Receive<ClusterEvent.MemberUp>(up => Discover(up.Member));
        Receive<ClusterEvent.ReachableMember>(reachable =>
        {
            if (reachable.Member.Status == MemberStatus.Up)
            {
                Discover(reachable.Member);
            }
        });
        Receive<ClusterEvent.UnreachableMember>(e => Forget(e.Member.Address, $"node {e.Member.Address} is unreachable"));
        Receive<ClusterEvent.MemberLeft>(e => Forget(e.Member.Address, $"node {e.Member.Address} is leaving"));
        Receive<ClusterEvent.MemberExited>(e => Forget(e.Member.Address, $"node {e.Member.Address} exited"));
        Receive<ClusterEvent.MemberRemoved>(e => Forget(e.Member.Address, $"node {e.Member.Address} was removed"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<AgentsAdvertised>(OnAdvertised);
        Receive<RetryDiscovery>(_ =>
        {
            foreach (var address in _awaiting)
            {
                AskRegistry(address);
            }
        });
        Receive<GetDirectory>(_ => Sender.Tell(new DirectoryContents(
            _byNode.SelectMany(n => n.Value.Select(h => (h.Name, Node: n.Key.ToString()))).ToDictionary(e => e.Name, e => e.Node, StringComparer.Ordinal))));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<IActorRef> routers) => Akka.Actor.Props.Create(() => new ClusterAgentDirectoryActor(routers));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer(RetryDiscovery.Instance, RetryDiscovery.Instance, TimeSpan.FromMilliseconds(500));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Discover(Member member)
    {
        if (!member.HasRole(NodeRoles.Models) || _byNode.ContainsKey(member.Address))
        {
            return;
        }

        _awaiting.Add(member.Address);
        AskRegistry(member.Address);
    }

    private void AskRegistry(Address address) =>
        Context.ActorSelection(new RootActorPath(address) / "user" / AgentRegistryActor.Name).Tell(ListAgents.Instance, Self);

    private void OnAdvertised(AgentsAdvertised advertised)
    {
        var address = Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;
        if (!_awaiting.Remove(address))
        {
            return; // an answer to a repeated request, or from a node that went away meanwhile
        }

        _byNode[address] = advertised.Agents
            .Select(a => new AgentHandle(a.Profile, a.Actor, new AgentVitals(a.Profile.Name, a.Capacity)))
            .ToList();
        Publish($"node {address} joined with agents {string.Join(", ", advertised.Agents.Select(a => a.Profile.Name))}");
    }

    private void Forget(Address address, string reason)
    {
        _awaiting.Remove(address);
        if (_byNode.Remove(address))
        {
            Publish(reason);
        }
    }

    private void Publish(string reason)
    {
        var handles = new List<AgentHandle>();
        var names = new Dictionary<string, Address>(StringComparer.Ordinal);
        foreach (var (address, agents) in _byNode.OrderBy(n => n.Key.ToString(), StringComparer.Ordinal))
        {
            foreach (var handle in agents)
            {
                if (names.TryGetValue(handle.Name, out var first))
                {
                    _log.Warning("agent name {0} is hosted by both {1} and {2}; only the first is used (agent names are cluster-wide)", handle.Name, first, address);
                    continue;
                }

                names[handle.Name] = address;
                handles.Add(handle);
            }
        }

        _log.Info("agent directory: {0}; {1} agents now", reason, handles.Count);
        var changed = new AgentSetChanged(handles, reason);
        foreach (var router in _routers)
        {
            router.Tell(changed);
        }
    }

    public sealed record GetDirectory : INoSerializationVerificationNeeded
    {
        public static readonly GetDirectory Instance = new();
    }

    /// <param name="NodeByAgent">Each agent a router may use, with the address of the node that hosts it.</param>
    public sealed record DirectoryContents(IReadOnlyDictionary<string, string> NodeByAgent) : INoSerializationVerificationNeeded;

    private sealed record RetryDiscovery : INoSerializationVerificationNeeded
    {
        public static readonly RetryDiscovery Instance = new();
    }
}
