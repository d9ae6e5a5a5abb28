namespace AgentRouter.Core.Tests.Policies;

public class DeterminismTests
{
    public static TheoryData<string> AllPolicies() =>
        ["ema", "ema-lex", "pheromone", "ucb1", "thompson", "epsilon", "linucb", "random", "round-robin", "fixed", "all", "least-loaded"];

    [Theory]
    [MemberData(nameof(AllPolicies))]
    public void The_same_seed_gives_the_same_decisions(string name)
    {
        var problem = SyntheticProblem.ThreeTasks();
        var first = problem.Run(SyntheticProblem.Create(name, seed: 42), 0, 400, panelSize: 2);
        var second = problem.Run(SyntheticProblem.Create(name, seed: 42), 0, 400, panelSize: 2);
        Assert.Equal(Panels(first), Panels(second));
        Assert.Equal(first.SelectMany(d => d.Scores), second.SelectMany(d => d.Scores));
    }

    [Theory]
    [InlineData("pheromone")]
    [InlineData("thompson")]
    [InlineData("epsilon")]
    [InlineData("random")]
    public void Different_seeds_give_different_decisions_for_stochastic_policies(string name)
    {
        var problem = SyntheticProblem.ThreeTasks();
        var first = problem.Run(SyntheticProblem.Create(name, seed: 1), 0, 400);
        var second = problem.Run(SyntheticProblem.Create(name, seed: 2), 0, 400);
        Assert.NotEqual(Panels(first), Panels(second));
    }

    private static List<string> Panels(IEnumerable<Domain.RoutingDecision> decisions) =>
        decisions.Select(d => string.Join(",", d.Panel)).ToList();
}
