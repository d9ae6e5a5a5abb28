using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class EmaPolicyTests
{
    private static readonly Candidate[] Candidates =
    [
        new(AgentProfile.Simple("a", costPerCall: 0.01)),
        new(AgentProfile.Simple("b", costPerCall: 0.01)),
    ];

    private static EmaPolicy Create(string parameters = """{ "costRef": 0.01 }""") =>
        new(new PolicySettings(1, null, JsonNode.Parse(parameters)!.AsObject()));

    [Fact]
    public void The_first_observation_initialises_and_later_ones_blend_with_alpha()
    {
        var policy = Create();
        var query = new Query("q", "text", "math");
        policy.Observe(query, new AgentOutcome("a", 1, LatencyMs: 1000, Cost: 0.01));
        policy.Observe(query, new AgentOutcome("a", 0.7, LatencyMs: 2000, Cost: 0.03, OutcomeStatus.Failed));

        var scores = policy.Select(query, Candidates, 1).Scores;

        // quality: 1 then 0.2·0 + 0.8·1 = 0.8 (a failure counts as quality 0); latency 0.2·2000 + 0.8·1000 = 1200;
        // cost 0.2·0.03 + 0.8·0.01 = 0.014; stability 0.2·0 + 0.8·1 = 0.8.
        var expectedA = 0.8 + 0.1 * 0.8 - 0.3 * (1200.0 / 5000) - 0.1 * (0.014 / 0.01);
        Assert.Equal(expectedA, scores[0].Score, 12);
        // b is cold: quality 0.5, latency 2000, cost 0, stability 0.9.
        Assert.Equal(0.5 + 0.1 * 0.9 - 0.3 * (2000.0 / 5000), scores[1].Score, 12);
    }

    [Fact]
    public void Penalties_are_capped_at_three_reference_units()
    {
        var policy = Create();
        Assert.Equal(1 + 0.1 - 0.3 * 3 - 0.1 * 3, policy.Score(1, latencyMs: 1e6, cost: 100, stability: 1), 12);
    }

    [Fact]
    public void Per_task_type_estimates_fall_back_to_the_agent_wide_ema_for_an_unseen_task_type()
    {
        var policy = Create();
        policy.Observe(new Query("q1", "x", "math"), new AgentOutcome("a", 1, 1000, 0.01));
        policy.Observe(new Query("q2", "x", "code"), new AgentOutcome("a", 0, 1000, 0.01));

        double QualityOf(string? taskType) => policy.Select(new Query("q", "x", taskType), Candidates, 1).Scores[0].Score
            - 0.1 * 1 + 0.3 * 0.2 + 0.1 * 1;

        Assert.Equal(1, QualityOf("math"), 12);
        Assert.Equal(0, QualityOf("code"), 12);
        Assert.Equal(0.8, QualityOf("chat"), 12); // agent-wide: 1, then 0.2·0 + 0.8·1
        Assert.Equal(0.8, QualityOf(null), 12);
    }

    [Fact]
    public void The_panel_is_the_top_k_by_score_with_ties_in_candidate_order()
    {
        var policy = Create();
        var candidates = new[] { "a", "b", "c", "d" }.Select(n => new Candidate(AgentProfile.Simple(n))).ToArray();
        policy.Observe(new Query("q", "x"), new AgentOutcome("c", 1, 2000, 0));
        var decision = policy.Select(new Query("q", "x"), candidates, 3);
        Assert.Equal(["c", "a", "b"], decision.Panel);
    }

    [Fact]
    public void Cost_weight_override_shifts_traffic_towards_the_cheaper_agent()
    {
        var candidates = new[]
        {
            new Candidate(AgentProfile.Simple("premium", costPerCall: 0.05)),
            new Candidate(AgentProfile.Simple("budget", costPerCall: 0.005)),
        };
        string Choice(double costWeight)
        {
            var policy = new EmaPolicy(new PolicySettings(1, costWeight));
            var query = new Query("q", "x");
            policy.Observe(query, new AgentOutcome("premium", 0.9, 1000, 0.05));
            policy.Observe(query, new AgentOutcome("budget", 0.7, 1000, 0.005));
            return policy.Select(query, candidates, 1).Panel[0];
        }

        Assert.Equal("premium", Choice(0));
        Assert.Equal("budget", Choice(1));
    }

    [Fact]
    public void The_default_cost_reference_is_the_mean_expected_call_cost_of_the_candidates()
    {
        var policy = new EmaPolicy(new PolicySettings());
        policy.Select(new Query("q", "x"), Candidates, 1);
        Assert.Equal(0.01, policy.CostRef, 12);

        var free = new EmaPolicy(new PolicySettings());
        free.Select(new Query("q", "x"), [new Candidate(AgentProfile.Simple("f"))], 1);
        Assert.Equal(1, free.CostRef);
    }

    [Fact]
    public void Ema_lex_orders_by_quality_then_latency_then_cost_then_stability()
    {
        var policy = new EmaLexicographicPolicy(new PolicySettings());
        var candidates = new[] { "slow", "fast", "cheap-fast", "worse" }.Select(n => new Candidate(AgentProfile.Simple(n))).ToArray();
        var query = new Query("q", "x");
        policy.Observe(query, new AgentOutcome("slow", 1, 3000, 0.01));
        policy.Observe(query, new AgentOutcome("fast", 1, 1000, 0.02));
        policy.Observe(query, new AgentOutcome("cheap-fast", 1, 1000, 0.01));
        policy.Observe(query, new AgentOutcome("worse", 0, 10, 0));

        Assert.Equal(["cheap-fast", "fast", "slow", "worse"], policy.Select(query, candidates, 4).Panel);
    }
}
