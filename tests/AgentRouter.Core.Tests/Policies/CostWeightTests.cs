using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary>The replay's cost/quality sweep varies <see cref="PolicySettings.CostWeight"/>; it must actually
/// move each cost-aware policy from the better, dearer agent to the cheaper one.</summary>
public class CostWeightTests
{
    [Theory]
    [InlineData("ema")]
    [InlineData("pheromone")]
    [InlineData("ucb1")]
    [InlineData("thompson")]
    [InlineData("epsilon")]
    [InlineData("linucb")]
    public void Raising_the_cost_weight_moves_traffic_to_the_cheaper_agent(string name)
    {
        // premium: right 90% of the time at 0.01 per call; budget: right 70% at 0.001 per call.
        var problem = new SyntheticProblem(["any"], [[0.9, 0.7]], costs: [0.01, 0.001]);
        double BudgetShare(double costWeight)
        {
            var policy = SyntheticProblem.Create(name, seed: 3, costWeight: costWeight);
            var decisions = problem.Run(policy, 0, 2000);
            return decisions.Skip(1000).Count(d => d.Panel[0] == "agent-1") / 1000.0;
        }

        var qualityFirst = BudgetShare(0);
        var costConscious = BudgetShare(2);
        Assert.True(qualityFirst < 0.3, $"{name} with cost weight 0 sent {qualityFirst:P0} to the budget agent");
        Assert.True(costConscious > 0.7, $"{name} with cost weight 2 sent only {costConscious:P0} to the budget agent");
    }

    // A preset's own cost parameter must stay valid when a sweep also sets the override (the AIQ sweep
    // replays shipped presets such as ema-orch and pheromone-amro), and the override must win.
    [Theory]
    [InlineData("ema", "costWeight")]
    [InlineData("pheromone", "costExponent")]
    [InlineData("ucb1", "costWeight")]
    [InlineData("linucb", "costWeight")]
    public void A_preset_cost_parameter_is_accepted_when_the_sweep_overrides_it(string name, string parameter)
    {
        var overridden = PolicyCatalog.Create(name, new PolicySettings(1, CostWeight: 3, Parameters: new JsonObject { [parameter] = 0.0 }));
        var plain = PolicyCatalog.Create(name, new PolicySettings(1, CostWeight: 3));
        var candidates = new[] { new Candidate(AgentProfile.Simple("a", 0.01)), new Candidate(AgentProfile.Simple("b", 0.001)) };
        var query = new Query("q", "text", Features: [1f]);
        Assert.Equal(plain.Select(query, candidates, 1).Rule, overridden.Select(query, candidates, 1).Rule);
    }
}
