using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary>Three task types (math, code, chat), four agents: agent t is right 90% of the time on task t and
/// 30% elsewhere, agent 3 is a 50% generalist. Learning policies must send most late traffic of each task
/// type to its specialist.</summary>
public class LearningSanityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("ema", true)]
    [InlineData("pheromone", true)]
    [InlineData("linucb", false)]
    [InlineData("linucb", true)]
    public void Most_late_traffic_of_each_task_type_goes_to_its_best_agent(string name, bool withTaskType)
    {
        var problem = SyntheticProblem.ThreeTasks();
        var policy = SyntheticProblem.Create(name, seed: 5);
        const int steps = 3000;
        var decisions = problem.Run(policy, 0, steps, withTaskType: withTaskType);

        var routed = new int[3];
        var total = new int[3];
        for (var step = steps / 2; step < steps; step++)
        {
            var task = problem.TaskOf(step);
            total[task]++;
            if (problem.AgentIndex(decisions[step].Panel[0]) == task)
            {
                routed[task]++;
            }
        }

        for (var task = 0; task < 3; task++)
        {
            var share = (double)routed[task] / total[task];
            output.WriteLine($"{name} (task types {withTaskType}): {share:P1} of late '{problem.TaskTypes[task]}' traffic to its specialist");
            Assert.True(share > 0.7, $"{name}: only {share:P0} of late '{problem.TaskTypes[task]}' traffic went to its specialist");
        }
    }

    [Fact]
    public void A_policy_that_ignores_task_types_cannot_pass_the_same_check()
    {
        // Harness sanity check: a context-free bandit settles on one agent, which is best for one task only.
        var problem = SyntheticProblem.ThreeTasks();
        var decisions = problem.Run(SyntheticProblem.Create("ucb1"), 0, 3000);
        var specialistShare = decisions.Skip(1500).Select((d, i) => problem.AgentIndex(d.Panel[0]) == problem.TaskOf(1500 + i)).Count(x => x) / 1500.0;
        Assert.True(specialistShare < 0.5, $"ucb1 routed {specialistShare:P0} to specialists");
    }
}
