using System.Diagnostics;
using AgentRouter.Actors;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Core.Domain;

namespace AgentRouter.Cluster.Tests;

/// <summary>The same agents and router, once in process and once as a 3-node cluster (one router node, two models
/// nodes, every message serialized): the routers both run behind the one <see cref="IAgentRouter"/>.</summary>
public sealed class RouterTargets : IAsyncLifetime
{
    public const string Hanging = "hang";
    public static readonly string[] Answering = ["a1", "a2", "a3"];

    private AgentRouterRuntime? _runtime;
    private readonly List<ClusterNode> _nodes = [];

    public IAgentRouter For(string target) => target switch
    {
        "in-process" => _runtime!.Client,
        "cluster" => _nodes[0].Client!,
        _ => throw new ArgumentException(target, nameof(target)),
    };

    public static RouterSettings Router => new("default", PanelSize: 2, MaxRetries: 0);

    public async Task InitializeAsync()
    {
        var inProcess = new AgentRouterOptions { SystemName = "contract", Backoff = RestartBackoff.None };
        AddAgents(inProcess, [.. Answering, Hanging]);
        inProcess.AddRouter(Router, "ema");
        _runtime = await AgentRouterRuntime.StartAsync(inProcess);

        var routerOptions = new AgentRouterOptions();
        routerOptions.AddRouter(Router, "ema");
        var router = await ClusterNode.StartAsync(Node([NodeRoles.Router], routerOptions, []));
        _nodes.Add(router);
        var seeds = new[] { ClusterNodes.Address(router) };
        foreach (var agents in new[] { Answering[..2], [Answering[2], Hanging] })
        {
            var models = new AgentRouterOptions { Backoff = RestartBackoff.None };
            AddAgents(models, agents);
            _nodes.Add(await ClusterNode.StartAsync(Node([NodeRoles.Models], models, seeds)));
        }

        var started = Stopwatch.GetTimestamp();
        while ((await NodeStatus.CaptureAsync(router)).Agents.Count < Answering.Length + 1)
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "the router node never saw the four agents");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }

        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }

    private static ClusterNodeOptions Node(string[] roles, AgentRouterOptions runtime, IReadOnlyList<string> seeds) =>
        new(roles, runtime, Seeds: seeds, Tuning: ClusterTuning.Fast, SerializeAllMessages: true);

    private static void AddAgents(AgentRouterOptions options, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var hang = name == Hanging ? 1.0 : 0.0;
            options.AddAgent(AgentRouterOptions.Manifest(name), new SimulatedBackend(new SimulatedBackendSettings(Seed: name.GetHashCode(StringComparison.Ordinal) & 0xffff, Skill: 0.8, HangRate: hang)));
        }
    }
}

/// <summary>One suite, two targets: routing, agent restriction, deadlines and feedback must behave identically on
/// the in-process router and on the cluster router.</summary>
public sealed class RouterContractSpec(RouterTargets targets) : IClassFixture<RouterTargets>
{
    public static TheoryData<string> Targets => new() { "in-process", "cluster" };

    private static Query Question(string target, string id) => new($"{target}-{id}", "Which is prime? A) 4 B) 7 C) 9 D) 12", "math", Options: ["A", "B", "C", "D"]);

    private static readonly AskOptions AnsweringOnly = new(Agents: RouterTargets.Answering);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_query_is_answered_by_a_panel_of_the_router_size_and_merged(string target)
    {
        var answered = await targets.For(target).AskAsync(Question(target, "route"), AnsweringOnly);
        Assert.Equal("default", answered.Router);
        Assert.Equal(2, answered.Analyses.Select(a => a.Agent).Distinct().Count());
        Assert.All(answered.Analyses, a => Assert.Contains(a.Agent, RouterTargets.Answering));
        Assert.All(answered.Analyses, a => Assert.Equal(OutcomeStatus.Succeeded, a.Status));
        Assert.NotNull(answered.Answer.Choice);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task An_agent_restriction_limits_both_the_answer_and_the_decision(string target)
    {
        var router = targets.For(target);
        var only = new AskOptions(PanelSize: 3, Agents: ["a2"]);
        var answered = await router.AskAsync(Question(target, "restricted"), only);
        Assert.Equal(["a2"], answered.Analyses.Select(a => a.Agent));

        var decision = await router.DecideAsync(Question(target, "restricted-decision"), only);
        Assert.Equal(["a2"], decision.Panel);

        var none = await Assert.ThrowsAsync<QueryFailedException>(() => router.AskAsync(Question(target, "nobody"), new AskOptions(Agents: ["no-such-agent"])));
        Assert.Equal(QueryFailureReason.NoAgents, none.Failure.Reason);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task The_deadline_of_the_call_ends_a_query_whose_agent_never_answers(string target)
    {
        // The call's deadline also caps each agent's, so the hanging agent's slot times out and, with no retry left,
        // the query fails at once rather than waiting for the router's 30 s agent deadline.
        var failed = await Assert.ThrowsAsync<QueryFailedException>(() => targets.For(target).AskAsync(
            Question(target, "deadline"), new AskOptions(Deadline: TimeSpan.FromMilliseconds(300), Agents: [RouterTargets.Hanging])));
        Assert.Equal(QueryFailureReason.AllAgentsFailed, failed.Failure.Reason);
        var hung = Assert.Single(failed.Failure.Analyses);
        Assert.Equal((RouterTargets.Hanging, OutcomeStatus.TimedOut), (hung.Agent, hung.Status));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Feedback_reaches_the_serving_router_once(string target)
    {
        var router = targets.For(target);
        var answered = await router.AskAsync(Question(target, "feedback"), AnsweringOnly);
        var invalid = await router.SubmitFeedbackAsync(answered.QueryId, new FeedbackSignal.AnswerReward(2));
        Assert.Equal(FeedbackRejection.Invalid, invalid.Rejection);
        var accepted = await router.SubmitFeedbackAsync(answered.QueryId, new FeedbackSignal.CorrectChoice("B"));
        Assert.True(accepted.Accepted, accepted.Message);
        Assert.Equal("default", accepted.Router);
        Assert.Equal(answered.Analyses.Select(a => a.Agent).Order(), accepted.Rewards.Keys.Order());

        var again = await router.SubmitFeedbackAsync(answered.QueryId, new FeedbackSignal.CorrectChoice("B"));
        Assert.Equal(FeedbackRejection.Duplicate, again.Rejection);
        var unknown = await router.SubmitFeedbackAsync($"{target}-never-asked", new FeedbackSignal.CorrectChoice("B"));
        Assert.Equal(FeedbackRejection.UnknownQuery, unknown.Rejection);

        var stats = Assert.Single(await router.GetStatsAsync());
        Assert.Equal("default", stats.Router);
        Assert.True(stats.Answered >= 1);
    }
}
