using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class PheromonePolicyTests
{
    private static PheromonePolicy Create(string parameters = """{ "costEpsilon": 0.01 }""", double? costWeight = null) =>
        new(new PolicySettings(1, costWeight, JsonNode.Parse(parameters)!.AsObject()));

    private static readonly Query Math = new("q", "x", "math");

    [Fact]
    public void A_passing_outcome_evaporates_then_deposits_q_scaled_by_cost()
    {
        var policy = Create();
        policy.Observe(Math, new AgentOutcome("free", 1, 1000, Cost: 0));
        policy.Observe(Math, new AgentOutcome("priced", 1, 1000, Cost: 0.01));

        Assert.Equal(0.9 * 1 + 1, policy.Pheromone("math", "free"), 12);       // (1 − ρ)·τ0 + Q
        Assert.Equal(0.9 * 1 + 0.5, policy.Pheromone("math", "priced"), 12);   // + Q·ε/(cost + ε), cost = ε
        Assert.Equal(1, policy.Pheromone("code", "free"));                     // other task types untouched
    }

    [Fact]
    public void A_failing_outcome_only_evaporates()
    {
        var policy = Create();
        policy.Observe(Math, new AgentOutcome("a", 0.4, 1000, 0));                           // below the 0.5 gate
        policy.Observe(Math, new AgentOutcome("b", 1, 1000, 0, OutcomeStatus.TimedOut));    // timed out = quality 0
        Assert.Equal(0.9, policy.Pheromone("math", "a"), 12);
        Assert.Equal(0.9, policy.Pheromone("math", "b"), 12);
    }

    [Fact]
    public void Pheromone_is_clamped_to_tau_min_and_tau_max()
    {
        var policy = Create("""{ "depositQ": 2 }"""); // equilibrium Q/ρ = 20 lies above τmax
        for (var i = 0; i < 200; i++)
        {
            policy.Observe(Math, new AgentOutcome("good", 1, 1000, 0));
            policy.Observe(Math, new AgentOutcome("bad", 0, 1000, 0));
        }

        Assert.Equal(10, policy.Pheromone("math", "good"));
        Assert.Equal(0.01, policy.Pheromone("math", "bad"));
    }

    [Fact]
    public void Cost_weight_sets_the_cost_exponent_of_the_deposit()
    {
        var ignoringCost = Create(costWeight: 0);
        var doubleCost = Create(costWeight: 2);
        ignoringCost.Observe(Math, new AgentOutcome("a", 1, 1000, 0.01));
        doubleCost.Observe(Math, new AgentOutcome("a", 1, 1000, 0.01));
        Assert.Equal(0.9 + 1, ignoringCost.Pheromone("math", "a"), 12);
        Assert.Equal(0.9 + 0.25, doubleCost.Pheromone("math", "a"), 12);
    }

    [Fact]
    public void Asynchronous_updates_wait_in_the_queue_until_applied()
    {
        var policy = Create("""{ "costEpsilon": 0.01, "synchronousUpdates": false }""");
        policy.Observe(Math, new AgentOutcome("a", 1, 1000, 0));
        Assert.Equal(1, policy.PendingUpdates);
        policy.ApplyPendingUpdates();
        Assert.Equal(0, policy.PendingUpdates);
        Assert.Equal(1.9, policy.Pheromone("math", "a"), 12);
    }

    [Fact]
    public void Select_drains_the_queue_before_deciding()
    {
        var policy = Create("""{ "q0": 1, "synchronousUpdates": false }""");
        var candidates = new[] { new Candidate(AgentProfile.Simple("a")), new Candidate(AgentProfile.Simple("b")) };
        for (var i = 0; i < 5; i++)
        {
            policy.Observe(Math, new AgentOutcome("b", 1, 1000, 0));
        }

        var decision = policy.Select(Math, candidates, 1);
        Assert.Equal(0, policy.PendingUpdates);
        Assert.Equal("b", decision.Panel[0]);
    }

    [Fact]
    public void The_heuristic_prefers_idle_and_fast_agents_before_any_learning()
    {
        var policy = Create("""{ "q0": 1 }""");
        var candidates = new[]
        {
            new Candidate(AgentProfile.Simple("busy", latencyMs: 500), Load: 0.9),
            new Candidate(AgentProfile.Simple("slow", latencyMs: 5000), Load: 0.5),
            new Candidate(AgentProfile.Simple("idle-fast", latencyMs: 500), Load: 0),
        };
        var decision = policy.Select(Math, candidates, 3);
        Assert.Equal(["idle-fast", "busy", "slow"], decision.Panel);
        // η = 1·ability(0.5) + 0.5·norm(1/load)(1) + 0.5·norm(1/latency)(1) = 1.5 for the idle fast agent.
        Assert.Equal(1.5, decision.Scores[2].Explore, 12);
        Assert.Equal(2.25, decision.Scores[2].Score, 12);   // τ^1·η^2 with τ0 = 1
    }

    [Fact]
    public void Queries_without_a_task_type_share_pheromone_through_feature_clusters()
    {
        var problem = SyntheticProblem.ThreeTasks();
        var policy = new PheromonePolicy(new PolicySettings(3));
        var decisions = problem.Run(policy, 0, 3000, withTaskType: false);
        var best = 0;
        for (var step = 1500; step < 3000; step++)
        {
            if (problem.AgentIndex(decisions[step].Panel[0]) == problem.TaskOf(step))
            {
                best++;
            }
        }

        Assert.True(best > 1500 * 0.6, $"only {best} of 1500 late decisions went to the task's best agent");
    }
}
