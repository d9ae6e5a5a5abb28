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
}
