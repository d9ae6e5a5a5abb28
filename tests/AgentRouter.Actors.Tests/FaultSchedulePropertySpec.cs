using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using FsCheck.Xunit;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

/// <summary>Under random fault schedules — crashes, failures, hangs past the deadline, slow agents, restarts with
/// backoff, caller cancellations — every accepted query gets exactly one terminal reply, and nothing is left
/// behind: no query in flight, no agent request held, no feedback entry past its time-to-live.</summary>
public sealed class FaultSchedulePropertySpec(ITestOutputHelper output) : ActorSpec(output)
{
    private const int Queries = 40;
    private int _round;

    [Property(MaxTest = 12)]
    public void Every_accepted_query_gets_exactly_one_terminal_reply_and_nothing_leaks(
        int seed, byte crashPercent, byte hangPercent, byte failPercent, byte slowMs, byte panel, byte retries, byte cancelEvery)
    {
        var round = ++_round;
        var random = new Random(seed);
        var agents = Enumerable.Range(0, 4).Select(i => Agent(
                $"r{round}-agent{i}",
                new SimulatedBackend(new SimulatedBackendSettings(
                    Seed: random.Next(),
                    MedianLatencyMs: (slowMs % 8) * random.NextDouble(),
                    LatencySpread: 0.8,
                    CrashRate: crashPercent % 25 / 100.0,
                    HangRate: hangPercent % 15 / 100.0,
                    FailureRate: failPercent % 25 / 100.0,
                    Capacity: 1 + random.Next(8))),
                new AgentSettings(QueueLimit: random.Next(0, 16), Backoff: new RestartBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40), 1))))
            .ToArray();
        var settings = new RouterSettings(
            "prop",
            PanelSize: 1 + panel % 3,
            MergeStrategy: "majority",
            AgentDeadline: TimeSpan.FromMilliseconds(30),
            QueryDeadline: TimeSpan.FromMilliseconds(120),
            MaxRetries: retries % 3,
            FeedbackTimeToLive: TimeSpan.FromMilliseconds(150),
            TickInterval: TimeSpan.FromMilliseconds(5));
        var router = Sys.ActorOf(RouterActor.Props(settings, new RouterDependencies(new RandomPolicy(new PolicySettings(seed)), agents, TestMajorityMerge.Resolve)), $"r{round}-router");
        var client = CreateTestProbe();

        var ids = Enumerable.Range(0, Queries).Select(i => $"r{round}-q{i}").ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            router.Tell(new RouteQuery(new Query(ids[i], "q", Options: Abcd)), client.Ref);
            if (cancelEvery % 10 > 1 && i % (cancelEvery % 10) == 0)
            {
                router.Tell(new CancelQuery(ids[i]), client.Ref);
            }
        }

        var outcomes = client.ReceiveN(Queries, TimeSpan.FromSeconds(10)).Cast<QueryOutcome>().ToArray();
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(150));
        Assert.Equal(ids.Order(), outcomes.Select(o => o.QueryId).Order());
        Assert.All(outcomes.OfType<QueryFailed>(), f => Assert.NotEqual(QueryFailureReason.Rejected, f.Reason));

        AwaitAssert(() =>
        {
            router.Tell(GetRouterStats.Instance, TestActor);
            var stats = ExpectMsg<RouterStats>();
            Assert.Equal(0, stats.InFlight);
            Assert.Equal(0, stats.PendingFeedback);
            Assert.Equal(Queries, stats.Answered + stats.Failed);
            Assert.All(agents, a => Assert.Equal((0, 0), (a.Vitals.InFlight, a.Vitals.Queued)));
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));

        foreach (var agent in agents)
        {
            Sys.Stop(agent.Actor);
        }

        Sys.Stop(router);
    }
}
