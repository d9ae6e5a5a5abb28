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

/// <summary>Two router nodes share one Redis; one is killed (its actor system aborted, no leave, no flush) while
/// queries are in flight on it.</summary>
public sealed class RouterKillSpec(ITestOutputHelper output)
{
    private static Query Question(string id) => new(id, $"question {id}", "math", Options: ClusterNodes.Options);

    [Fact]
    public async Task A_killed_router_nodes_in_flight_queries_end_with_an_error_and_the_other_router_serves_on_and_credits_its_feedback()
    {
        await using var server = new RedisServer(durable: true);
        await server.StartAsync();
        var shared = StateHarness.OptionsFor(server, "router-kill", claimIdle: TimeSpan.FromMilliseconds(300));
        var settings = new RouterSettings("default", PanelSize: 2);
        await using var models = await ClusterNodes.Models(["a1", "a2"], [], latencyMs: 300);
        var routerA = await ClusterNodes.Router([ClusterNodes.Address(models)], settings, "ema", shared, nodeId: "router-a");
        await using var routerB = await ClusterNodes.Router([ClusterNodes.Address(models)], settings, "ema", shared, nodeId: "router-b");
        await AwaitAgentsAsync(routerA, 2);
        await AwaitAgentsAsync(routerB, 2);
        await using var redis = await RedisConnection.ConnectAsync(server.Configuration);
        var keys = new ClusterKeys(shared.EffectiveKeyPrefix);

        // Answered by router A, whose record reaches Redis; the client will rate it through router B.
        var servedByA = await routerA.Client!.AskAsync(Question("served-by-a"));
        await Eventually.UntilAsync(() => redis.GetDatabase().KeyExistsAsync(keys.Answered(servedByA.QueryId)), () => "router A recorded its answer in Redis");

        var inFlight = Enumerable.Range(0, 5).Select(i => routerA.Client.AskAsync(Question($"in-flight-{i}"))).ToList<Task>();
        inFlight.Add(ReadToEndAsync(routerA.Client.StreamAsync(Question("in-flight-streamed"))));
        await Eventually.UntilAsync(async () => (await routerA.Client.GetStatsAsync()).Sum(s => s.InFlight) == inFlight.Count, () => "the queries are in flight on router A");
        await routerA.CrashAsync();

        foreach (var query in inFlight)
        {
            // Bounded only so that a regression fails instead of hanging: the error comes as the system terminates.
            var error = await Assert.ThrowsAsync<QueryFailedException>(() => query.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(QueryFailureReason.RouterStopped, error.Failure.Reason);
            output.WriteLine($"in-flight query on the killed router: {error.Failure.Reason}: {error.Message}");
        }

        var answered = await routerB.Client!.AskAsync(Question("after-kill"));
        Assert.Equal(2, answered.Analyses.Count(a => a.Status == OutcomeStatus.Succeeded));
        var feedback = await routerB.Client.SubmitFeedbackAsync(servedByA.QueryId, new FeedbackSignal.CorrectChoice("B"));
        Assert.True(feedback.Accepted, feedback.Message);
        await Eventually.UntilAsync(() => redis.GetDatabase().KeyExistsAsync(keys.Appended("default", "fb:" + servedByA.QueryId)),
            () => $"router B applied the feedback for router A's answer ({routerB.StateMonitor.Status()})");
    }

    /// <summary>A stream ends with one terminal event; a failed one is thrown here, as AskAsync would.</summary>
    private static async Task ReadToEndAsync(IAsyncEnumerable<RouterEvent> events)
    {
        await foreach (var item in events)
        {
            if (item is RouterEvent.Finished { Outcome: QueryFailed failed })
            {
                throw new QueryFailedException(failed);
            }
        }
    }

    private static Task AwaitAgentsAsync(ClusterNode router, int count) =>
        Eventually.UntilAsync(async () =>
        {
            var directory = await router.Directory!.Ask<ClusterAgentDirectoryActor.DirectoryContents>(ClusterAgentDirectoryActor.GetDirectory.Instance, TimeSpan.FromSeconds(5));
            return directory.NodeByAgent.Count == count;
        }, () => $"the router sees {count} agents");
}
