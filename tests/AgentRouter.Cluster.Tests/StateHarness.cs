using Akka.Event;
using AgentRouter.Cluster.Feedback;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Policies;
using StackExchange.Redis;

namespace AgentRouter.Cluster.Tests;

/// <summary>The shared-state machinery of one router node without the actor system: its write buffer, one
/// policy with its log follower, and optionally a feedback consumer — the same components a node runs.</summary>
internal sealed class StateHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private StateHarness(ConnectionMultiplexer redis, SharedStateOptions options, string nodeId, string router, string policy)
    {
        Redis = redis;
        Options = options;
        Keys = new ClusterKeys(options.EffectiveKeyPrefix);
        Writer = new ClusterStateWriter(redis.GetDatabase(), Keys, options, Monitor);
        Policy = new SharedPolicy(router, nodeId, PolicyCatalog.Create(policy, new PolicySettings()), Writer, Monitor);
        Follower = new OutcomeLogFollower(Policy, nodeId, redis.GetDatabase(), Keys, options, Monitor, NoLogger.Instance);
        Feedback = new FeedbackProcessor(nodeId + ".consumer", redis.GetDatabase(), Keys, options, Monitor, NoLogger.Instance);
    }

    public ConnectionMultiplexer Redis { get; }

    public SharedStateOptions Options { get; }

    public ClusterKeys Keys { get; }

    public ClusterStateMonitor Monitor { get; } = new();

    public ClusterStateWriter Writer { get; }

    public SharedPolicy Policy { get; }

    public OutcomeLogFollower Follower { get; }

    public FeedbackProcessor Feedback { get; }

    public IDatabase Database => Redis.GetDatabase();

    /// <summary>What a failed wait should say about this node: its progress and any loop that died.</summary>
    public string Describe() =>
        $"applied {Policy.AppliedCount}, {Monitor.Status()}, loops: " +
        string.Join("; ", _loops.Select(l => l.IsFaulted ? "faulted: " + l.Exception!.GetBaseException() : l.Status.ToString()));

    public static async Task<StateHarness> StartAsync(
        SharedStateOptions options, string nodeId, string router = "r", string policy = "ema", bool withFeedback = false)
    {
        var redis = await RedisConnection.ConnectAsync(options.Redis);
        var harness = new StateHarness(redis, options, nodeId, router, policy);
        var token = harness._stop.Token;
        harness._loops.Add(Task.Run(() => harness.Writer.RunAsync(token), token));
        harness._loops.Add(Task.Run(() => harness.Follower.RunAsync(token), token));
        if (withFeedback)
        {
            harness._loops.Add(Task.Run(() => harness.Feedback.RunAsync(token), token));
        }

        return harness;
    }

    public static SharedStateOptions OptionsFor(RedisServer server, string prefix, TimeSpan? claimIdle = null) =>
        new(server.Configuration, KeyPrefix: prefix, PollInterval: TimeSpan.FromMilliseconds(5), RetryInterval: TimeSpan.FromMilliseconds(50),
            SnapshotInterval: TimeSpan.FromMilliseconds(100), ClaimIdle: claimIdle);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
            // The loops end by cancellation.
        }

        await Redis.DisposeAsync();
        _stop.Dispose();
    }
}
