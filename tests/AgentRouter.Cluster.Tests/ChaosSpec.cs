using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Domain;
using Xunit.Abstractions;

namespace AgentRouter.Cluster.Tests;

/// <summary>Redis fails under feedback load — killed with SIGKILL and restarted on its append-only file, or paused
/// with SIGSTOP — and no feedback answered "accepted" is lost: every accepted query id ends up applied (its once-only
/// marker is in Redis), none is given up as unknown. Feedback sent while Redis cannot record it is refused
/// (<see cref="FeedbackRejection.Unavailable"/>) and accepted when the client sends it again. Redis here fsyncs every
/// write (<c>appendfsync always</c>), as deploy/ runs it.</summary>
public sealed class ChaosSpec(ITestOutputHelper output)
{
    private const string Router = "default";
    private static readonly TimeSpan PauseLength = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Redis_killed_and_restarted_under_feedback_load_loses_no_accepted_feedback()
    {
        await using var server = new RedisServer(durable: true);
        await server.StartAsync();
        await using var cluster = await Cluster.StartAsync(server, "chaos-kill");
        await using var load = cluster.StartLoad();

        await load.AwaitAcceptedAsync(150);
        await server.StopAsync(); // SIGKILL
        await load.AwaitRefusedAsync(5);
        var acceptedAtRestart = load.Accepted.Count;
        await server.StartAsync(); // same port and directory: the append-only file is reloaded
        await load.AwaitAcceptedAsync(acceptedAtRestart + 150);
        await load.StopAsync();

        output.WriteLine(await cluster.AssertNoAcceptedFeedbackLostAsync(load));
    }

    [Fact]
    public async Task Redis_paused_for_ten_seconds_under_feedback_load_loses_no_accepted_feedback()
    {
        await using var server = new RedisServer(durable: true);
        await server.StartAsync();
        await using var cluster = await Cluster.StartAsync(server, "chaos-pause");
        await using var load = cluster.StartLoad();

        await load.AwaitAcceptedAsync(150);
        await server.PauseAsync(); // SIGSTOP: connections stay open, nothing is answered
        var paused = Stopwatch.StartNew();
        // Feedback waiting on Redis runs into the 2 s command timeout and is refused, and the node reports degraded mode.
        await load.AwaitRefusedAsync(1, TimeSpan.FromSeconds(15));
        await Eventually.Until(() => cluster.Node.StateMonitor.Status().Degraded, "the router reports degraded mode while Redis is paused");
        // The fault lasts 10 s (issue 16's case) and the clients keep sending all along: each further refusal shows the
        // router still answers (refuses promptly, does not hang) while timed-out commands and reconnects pile up.
        while (paused.Elapsed < PauseLength)
        {
            await load.AwaitRefusedAsync(load.Refused.Count + 1, TimeSpan.FromSeconds(15));
        }

        var acceptedAtResume = load.Accepted.Count;
        output.WriteLine($"Redis paused {paused.Elapsed.TotalSeconds:0.0} s; {load.Refused.Count} refused while paused, {acceptedAtResume} accepted before");
        await server.ResumeAsync();
        await load.AwaitAcceptedAsync(acceptedAtResume + 150);
        await load.StopAsync();

        output.WriteLine(await cluster.AssertNoAcceptedFeedbackLostAsync(load));
    }

    /// <summary>One models node and one router node with shared state in the given Redis.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly ClusterNode _models;
        private readonly StackExchange.Redis.ConnectionMultiplexer _redis;

        private Cluster(ClusterNode models, ClusterNode node, StackExchange.Redis.ConnectionMultiplexer redis)
        {
            _models = models;
            Node = node;
            _redis = redis;
        }

        public ClusterNode Node { get; }

        public static async Task<Cluster> StartAsync(RedisServer server, string prefix)
        {
            var models = await ClusterNodes.Models(["a1", "a2", "a3"], []);
            var router = await ClusterNodes.Router([ClusterNodes.Address(models)], new RouterSettings(Router, PanelSize: 2), "ema",
                StateHarness.OptionsFor(server, prefix, claimIdle: TimeSpan.FromMilliseconds(300)), nodeId: prefix);
            var cluster = new Cluster(models, router, await RedisConnection.ConnectAsync(server.Configuration));
            await Eventually.UntilAsync(async () =>
            {
                var directory = await router.Directory!.Ask<ClusterAgentDirectoryActor.DirectoryContents>(ClusterAgentDirectoryActor.GetDirectory.Instance, TimeSpan.FromSeconds(5));
                return directory.NodeByAgent.Count == 3;
            }, () => "the router sees the 3 agents");
            return cluster;
        }

        public FeedbackLoad StartLoad() => new(Node.Client!);

        /// <summary>Sends the refused feedback again (as a client does) until all is accepted, then awaits every accepted
        /// id's once-only marker in Redis.</summary>
        /// <returns>What happened, for the test output.</returns>
        public async Task<string> AssertNoAcceptedFeedbackLostAsync(FeedbackLoad load)
        {
            var refusedFirst = load.Refused.Count;
            await Eventually.Until(() => !Node.StateMonitor.Status().Degraded, "the router is connected to Redis again", TimeSpan.FromSeconds(30));
            foreach (var id in load.Refused.Keys)
            {
                var again = await Node.Client!.SubmitFeedbackAsync(id, FeedbackLoad.Signal);
                Assert.True(again.Accepted, again.Message);
                load.Accepted[id] = true;
            }

            var keys = new ClusterKeys(Node.Options.SharedState!.EffectiveKeyPrefix);
            var database = _redis.GetDatabase();
            var missing = load.Accepted.Keys.ToList();
            await Eventually.UntilAsync(async () =>
            {
                var applied = await Task.WhenAll(missing.Select(id => database.KeyExistsAsync(keys.Appended(Router, "fb:" + id))));
                missing = missing.Where((_, i) => !applied[i]).ToList();
                return missing.Count == 0;
            }, () => $"{missing.Count} of {load.Accepted.Count} accepted feedbacks not applied (e.g. {string.Join(", ", missing.Take(3))}); {Node.StateMonitor.Status()}",
            TimeSpan.FromSeconds(30));
            // The markers, not the applied counter, are the truth: a script that timed out on the client while Redis was
            // paused still ran when it resumed, and its redelivery then counts as a duplicate.
            Assert.Equal(0, Node.StateMonitor.Status().FeedbackUnknown);
            return $"{load.Accepted.Count} feedbacks accepted ({refusedFirst} of them refused as unavailable first and sent again), all applied; {Node.StateMonitor.Status()}";
        }

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            await _models.DisposeAsync();
            await _redis.DisposeAsync();
        }
    }

    /// <summary>Four clients, each asking a query and rating it, one after another, until stopped.</summary>
    private sealed class FeedbackLoad : IAsyncDisposable
    {
        public static readonly FeedbackSignal Signal = new FeedbackSignal.CorrectChoice("B");

        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _clients;

        public FeedbackLoad(IAgentRouter router)
        {
            _clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => RunAsync(router, c))).ToArray();
        }

        /// <summary>Query ids whose feedback was answered "accepted".</summary>
        public ConcurrentDictionary<string, bool> Accepted { get; } = new(StringComparer.Ordinal);

        /// <summary>Query ids whose feedback was refused as unavailable (not yet accepted).</summary>
        public ConcurrentDictionary<string, bool> Refused { get; } = new(StringComparer.Ordinal);

        public async Task AwaitAcceptedAsync(int count)
        {
            await Eventually.Until(() => Accepted.Count >= count || Faulted is not null, () => $"{count} feedbacks accepted (have {Accepted.Count})", TimeSpan.FromSeconds(30));
            await (Faulted ?? Task.CompletedTask);
        }

        public async Task AwaitRefusedAsync(int count, TimeSpan? timeout = null)
        {
            await Eventually.Until(() => Refused.Count >= count || Faulted is not null, () => $"{count} feedbacks refused as unavailable (have {Refused.Count})", timeout);
            await (Faulted ?? Task.CompletedTask);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
            }

            try
            {
                await Task.WhenAll(_clients);
            }
            catch (Exception) when (Faulted is not null)
            {
                // Already reported by the wait that saw it.
            }

            _stop.Dispose();
        }

        /// <summary>A client that failed (an unexpected rejection or error): awaiting it rethrows.</summary>
        private Task? Faulted => _clients.FirstOrDefault(c => c.IsFaulted);

        private async Task RunAsync(IAgentRouter router, int client)
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var query = new Query($"c{client}-{i}", $"question {client}-{i}", "math", Options: ClusterNodes.Options);
                var answered = await router.AskAsync(query); // served from local state while Redis is away
                var result = await router.SubmitFeedbackAsync(answered.QueryId, Signal);
                if (result.Accepted)
                {
                    Accepted[query.Id] = true;
                }
                else if (result.Rejection == FeedbackRejection.Unavailable)
                {
                    Refused[query.Id] = true;
                }
                else
                {
                    throw new InvalidOperationException($"feedback for {query.Id} refused: {result.Rejection} {result.Message}");
                }
            }
        }
    }
}
