using Akka.Actor;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using FsCheck.Xunit;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

/// <summary>Under random fault schedules — crashes, failures, hangs past the deadline, slow agents, restarts with
/// backoff, caller cancellations — every accepted query gets exactly one terminal reply, and nothing is left
/// behind: no query in flight, no agent request held, no feedback entry past its time-to-live.</summary>
/// <remarks>Runs on the fake clock: simulated work time, deadlines, back-off and feedback expiry all pass only when
/// the test advances it, after every actor has handled what the previous step sent it. Each step goes straight to the
/// next timer due (<see cref="DueTimeClock"/>), at least one millisecond: the steps where no timer is due, in which the
/// clock could set nothing off, are skipped, and timers within a millisecond fire in one step as they did under fixed
/// 1 ms steps. So a loaded machine changes nothing but the wall time, and no schedule waits for real milliseconds.</remarks>
public sealed class FaultSchedulePropertySpec(ITestOutputHelper output) : ActorSpec(output)
{
    private const int Queries = 40;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan FeedbackTimeToLive = TimeSpan.FromMilliseconds(150);
    private int _round;

    [Property(MaxTest = 12)]
    public void Every_accepted_query_gets_exactly_one_terminal_reply_and_nothing_leaks(
        int seed, byte crashPercent, byte hangPercent, byte failPercent, byte slowMs, byte panel, byte retries, byte cancelEvery)
    {
        var round = ++_round;
        var random = new Random(seed);
        var clock = new DueTimeClock(Clock);
        var agentProps = new List<(string Name, Props Props)>();
        var agents = new AgentHandle[4];
        for (var i = 0; i < agents.Length; i++)
        {
            var name = $"r{round}-agent{i}";
            var backend = new SimulatedBackend(
                new SimulatedBackendSettings(
                    Seed: random.Next(),
                    MedianLatencyMs: (slowMs % 8) * random.NextDouble(),
                    LatencySpread: 0.8,
                    CrashRate: crashPercent % 25 / 100.0,
                    HangRate: hangPercent % 15 / 100.0,
                    FailureRate: failPercent % 25 / 100.0,
                    Capacity: 1 + random.Next(8)),
                time: clock);
            var vitals = new AgentVitals(name, backend.Capacity);
            var agentSettings = new AgentSettings(QueueLimit: random.Next(0, 16), Backoff: new RestartBackoff(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40), 1));
            agentProps.Add((name, ModelAgentActor.Props(name, backend, agentSettings, vitals, clock)));
            agents[i] = new AgentHandle(AgentProfile.Simple(name, latencyMs: 100), ActorRefs.Nobody, vitals);
        }

        // Under the runtime's own supervisor, which restarts crashed agents without logging every injected crash.
        var supervisor = Sys.ActorOf(AgentSupervisorActor.Props(agentProps), $"r{round}-agents");
        supervisor.Tell(AgentSupervisorActor.GetAgents.Instance, TestActor);
        var children = ExpectMsg<AgentSupervisorActor.Agents>().ByName;
        agents = [.. agents.Select(a => a with { Actor = children[a.Name] })];
        var settings = new RouterSettings(
            "prop",
            PanelSize: 1 + panel % 3,
            MergeStrategy: "majority",
            AgentDeadline: TimeSpan.FromMilliseconds(30),
            QueryDeadline: TimeSpan.FromMilliseconds(120),
            MaxRetries: retries % 3,
            FeedbackTimeToLive: FeedbackTimeToLive,
            TickInterval: TimeSpan.FromMilliseconds(5));
        var router = Sys.ActorOf(
            RouterActor.Props(settings, new RouterDependencies(new RandomPolicy(new PolicySettings(seed)), agents, TestMajorityMerge.Resolve, Time: clock)),
            $"r{round}-router");
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

        // Every query ends by its 120 ms deadline (plus one 5 ms tick); a second of virtual time is a generous bound.
        var outcomes = new List<QueryOutcome>();
        var start = clock.GetUtcNow();
        while (outcomes.Count < Queries)
        {
            Assert.True(clock.GetUtcNow() - start < TimeSpan.FromSeconds(1), $"{outcomes.Count} of {Queries} queries ended within a virtual second");
            clock.AdvanceToNextDue(Step);
            Settle(router, agents);
            while (client.HasMessages)
            {
                outcomes.Add(Assert.IsAssignableFrom<QueryOutcome>(client.ReceiveOne(TimeSpan.Zero)));
            }
        }

        Assert.Equal(ids.Order(), outcomes.Select(o => o.QueryId).Order());
        Assert.All(outcomes.OfType<QueryFailed>(), f => Assert.NotEqual(QueryFailureReason.Rejected, f.Reason));

        // Past every feedback window and the longest back-off: nothing may remain anywhere.
        Clock.Advance(FeedbackTimeToLive + settings.EffectiveTickInterval);
        var agentStatuses = Settle(router, agents);

        // The router's replies to the client arrive in order, so a stats reply that comes next proves no second reply.
        router.Tell(GetRouterStats.Instance, client.Ref);
        var stats = client.ExpectMsg<RouterStats>();
        Assert.Equal((0, 0, (long)Queries), (stats.InFlight, stats.PendingFeedback, stats.Answered + stats.Failed));
        Assert.All(agentStatuses, s => Assert.Equal((0, 0), (s.InFlight, s.Queued)));
        Assert.All(agents, a => Assert.Equal((0, 0), (a.Vitals.InFlight, a.Vitals.Queued)));

        Sys.Stop(supervisor);
        Sys.Stop(router);
    }

    /// <summary>Waits until each agent and the router has handled everything sent to it so far (timer messages of the
    /// last step, answers, restarts), by a status round trip to each, all five at once; returns the agents' statuses.</summary>
    private AgentStatus[] Settle(IActorRef router, AgentHandle[] agents)
    {
        foreach (var agent in agents)
        {
            agent.Actor.Tell(GetAgentStatus.Instance, TestActor);
        }

        router.Tell(GetRouterStats.Instance, TestActor);
        var statuses = new List<AgentStatus>(agents.Length);
        for (var i = 0; i <= agents.Length; i++)
        {
            if (ExpectMsg<object>() is AgentStatus status)
            {
                statuses.Add(status);
            }
        }

        Assert.Equal(agents.Length, statuses.Count);
        return [.. statuses];
    }
}
