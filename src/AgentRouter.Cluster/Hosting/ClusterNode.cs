using AgentRouter.Core.Backends;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Event;
using AgentRouter.Actors;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Configuration;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Merging;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Feedback;
using AgentRouter.Cluster.Serialization;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using StackExchange.Redis;

namespace AgentRouter.Cluster.Hosting;

/// <summary>One AgentRouter cluster node. A <c>models</c> node runs its agents and the registry that advertises
/// them; a <c>router</c> node runs the router actors (their candidates come from cluster membership), the client
/// facade and, with Redis, the shared-state loops. Start-up validates everything before the node joins.</summary>
public sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>Size bound of the answered records a router node keeps in memory for feedback (about 128 MB of UTF-16).</summary>
    private const long LocalAnswersMaxChars = 64L * 1024 * 1024;

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly ConnectionMultiplexer? _redis;
    private readonly ClusterStateWriter? _writer;
    private readonly IReadOnlyList<OutcomeLogFollower> _followers;
    private bool _stopped;

    private ClusterNode(ClusterNodeOptions options, ClusterSettings settings, ActorSystem system, string nodeId, ConnectionMultiplexer? redis, ClusterStateWriter? writer,
        IReadOnlyDictionary<string, IActorRef> routers, IReadOnlyDictionary<string, SharedPolicy> sharedPolicies, IReadOnlyList<OutcomeLogFollower> followers,
        IActorRef? directory, IActorRef? feedbackCoordinator, ClusterStateMonitor monitor)
    {
        Options = options;
        Settings = settings;
        System = system;
        NodeId = nodeId;
        _redis = redis;
        _writer = writer;
        Routers = routers;
        SharedPolicies = sharedPolicies;
        _followers = followers;
        Directory = directory;
        FeedbackCoordinator = feedbackCoordinator;
        StateMonitor = monitor;
        DefaultRouter = routers.Count > 0 ? AgentSystemAssembly.RouterDefinitions(options.Runtime)[0].Settings.Name : null;
        if (DefaultRouter is not null)
        {
            // The same client as in process; shared state only changes where answers are recorded and feedback goes.
            var capacity = AgentSystemAssembly.ServedQueryCapacity(routers.Count);
            var shared = writer is null ? null
                : new SharedStateClient(writer, new LocalAnswers(capacity, LocalAnswersMaxChars, options.SharedState!.EffectiveAnsweredTimeToLive));
            Client = new ActorAgentRouter(new RouterLocator(system, routers, DefaultRouter), feedbackCoordinator!, capacity, shared, shared);
        }
    }

    public ClusterNodeOptions Options { get; }

    /// <summary>The node's effective settings (reference.conf under the options and the user's HOCON).</summary>
    public ClusterSettings Settings { get; }

    public ActorSystem System { get; }

    public string NodeId { get; }

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);

    public IReadOnlyDictionary<string, IActorRef> Routers { get; }

    public string? DefaultRouter { get; }

    /// <summary>Router policies backed by the shared outcome log, by router name (empty without Redis).</summary>
    public IReadOnlyDictionary<string, SharedPolicy> SharedPolicies { get; }

    /// <summary>The agent directory of a router node; null on a models-only node.</summary>
    public IActorRef? Directory { get; }

    /// <summary>Local feedback coordinator, used when the node runs without Redis.</summary>
    public IActorRef? FeedbackCoordinator { get; }

    public ClusterStateMonitor StateMonitor { get; }

    /// <summary>The embedding facade of a router node; null on a models-only node.</summary>
    public IAgentRouter? Client { get; }

    public bool UsesSharedState => _writer is not null;

    /// <summary>Starts a node with the default composition (the built-in backend kinds and catalogs).</summary>
    public static Task<ClusterNode> StartAsync(ClusterNodeOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, AgentRouterComposition.Default, cancellationToken);

    /// <summary>Starts a node whose agents, merges and policies are built by <paramref name="composition"/> (the
    /// composition root's), exactly as the in-process runtime's are.</summary>
    public static async Task<ClusterNode> StartAsync(ClusterNodeOptions options, AgentRouterComposition composition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composition);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ManifestValidationException(errors);
        }

        var runtime = options.Runtime;
        var isModels = options.HasRole(NodeRoles.Models);
        var isRouter = options.HasRole(NodeRoles.Router);
        var (manifests, backends) = isModels ? AgentSystemAssembly.ResolveAgents(runtime, composition) : ([], []);
        var routerDefinitions = AgentSystemAssembly.RouterDefinitions(runtime);
        var policies = isRouter ? AgentSystemAssembly.ResolvePolicies(routerDefinitions, runtime.PoliciesDirectory, composition) : [];
        var config = ClusterConfig.Build(options);
        var settings = ClusterSettings.Create(config);
        var runtimeSettings = AgentRouterRuntimeSettings.Create(config);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config))
            .And(ClusterSerialization.Setup());
        var system = ActorSystem.Create(runtime.SystemName, setup);
        ConnectionMultiplexer? redis = null;
        try
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var nodeId = options.NodeId ?? $"{cluster.SelfAddress.Host}-{cluster.SelfAddress.Port}";
            IReadOnlyList<AgentHandle> agents = [];
            if (isModels)
            {
                agents = await AgentSystemAssembly.StartAgentsAsync(system, runtime, runtimeSettings, manifests, backends, composition, cancellationToken).ConfigureAwait(false);
                var adverts = agents.Select(a => new DiscoveryProtocol.AgentAdvertisement(a.Profile, a.Vitals.Capacity, a.Actor)).ToList();
                system.ActorOf(AgentRegistryActor.Props(adverts), AgentRegistryActor.Name);
            }

            var monitor = new ClusterStateMonitor();
            var log = Logging.GetLogger(system, "agentrouter.cluster");
            ClusterStateWriter? writer = null;
            IDatabase? database = null;
            var keys = new ClusterKeys(options.SharedState?.EffectiveKeyPrefix ?? ClusterSettings.Default.SharedState.KeyPrefix);
            if (isRouter && options.SharedState is { } shared)
            {
                redis = await RedisConnection.ConnectAsync(shared.Redis).ConfigureAwait(false);
                database = redis.GetDatabase();
                writer = new ClusterStateWriter(database, keys, shared, monitor);
            }

            var routers = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
            var sharedPolicies = new Dictionary<string, SharedPolicy>(StringComparer.Ordinal);
            var followers = new List<OutcomeLogFollower>();
            IActorRef? directory = null;
            IActorRef? feedback = null;
            if (isRouter)
            {
                // The judge is wired as in process when it runs on this node (roles router and models). A router-only
                // node does not reach agents on other nodes for merges yet: there LLM merges fall back to the vote.
                var judge = isModels ? AgentSystemAssembly.LlmMergeJudge(runtime, agents) : null;
                var mergeAgent = AgentSystemAssembly.StartMergeAgent(system, runtime, composition, judge);
                foreach (var definition in routerDefinitions)
                {
                    var policy = policies[definition.Settings.Name]();
                    if (writer is not null)
                    {
                        var sharedPolicy = new SharedPolicy(definition.Settings.Name, nodeId, policy, writer, monitor);
                        sharedPolicies[definition.Settings.Name] = sharedPolicy;
                        followers.Add(new OutcomeLogFollower(sharedPolicy, nodeId, database!, keys, options.SharedState!, monitor, log));
                        policy = sharedPolicy;
                    }

                    routers[definition.Settings.Name] = AgentSystemAssembly.StartRouter(system, definition, policy, [], mergeAgent, composition);
                }

                directory = system.ActorOf(ClusterAgentDirectoryActor.Props([.. routers.Values]), ClusterAgentDirectoryActor.Name);
                feedback = AgentSystemAssembly.StartFeedbackCoordinator(system, routers, runtimeSettings);
            }

            var node = new ClusterNode(options, settings, system, nodeId, redis, writer, routers, sharedPolicies, followers, directory, feedback, monitor);
            if (writer is not null)
            {
                node.StartLoops(writer, followers, new FeedbackProcessor($"{nodeId}.{Guid.NewGuid().ToString("N")[..8]}", database!, keys, options.SharedState!, monitor, log));
            }

            var seeds = (options.Seeds ?? []).Select(s => SeedAddress.Parse(s, runtime.SystemName)).ToList();
            cluster.JoinSeedNodes(seeds.Count > 0 ? seeds : [cluster.SelfAddress]);
            return node;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            redis?.Dispose();
            throw;
        }
    }

    private void StartLoops(ClusterStateWriter writer, List<OutcomeLogFollower> followers, FeedbackProcessor feedback)
    {
        var token = _stopping.Token;
        _loops.Add(Task.Run(() => writer.RunAsync(token), token));
        foreach (var follower in followers)
        {
            _loops.Add(Task.Run(() => follower.RunAsync(token), token));
        }

        _loops.Add(Task.Run(() => feedback.RunAsync(token), token));
    }

    /// <summary>Graceful stop: leaves the cluster (CoordinatedShutdown), sends what the write buffer holds, saves
    /// each policy's snapshot, then stops the shared-state loops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);

        // A degraded node (Redis unreachable) can neither flush its buffered updates nor save snapshots: waiting for
        // either only delays the exit (it took 10-30 s after SIGTERM). Its updates are lost as they would be in a crash;
        // the other nodes' snapshots and logs still hold the shared state.
        if (_writer is not null && !StateMonitor.Degraded)
        {
            _writer.Complete();
            var drained = _loops[0];
            await Task.WhenAny(drained, Task.Delay(Settings.LeaveDrainTimeout)).ConfigureAwait(false);
            foreach (var follower in _followers)
            {
                try
                {
                    await follower.SaveSnapshotAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (RedisConnection.IsUnreachable(e))
                {
                    StateMonitor.ReportUnreachable(e);
                }
            }
        }

        await StopLoopsAsync().ConfigureAwait(false);
    }

    /// <summary>Abrupt stop, as if the process were killed: no leave, no flush, no snapshot.</summary>
    public async Task CrashAsync()
    {
        _stopped = true;
        ((ExtendedActorSystem)System).Abort();
        await System.WhenTerminated.ConfigureAwait(false);
        await StopLoopsAsync().ConfigureAwait(false);
    }

    private async Task StopLoopsAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loops end by cancellation.
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
