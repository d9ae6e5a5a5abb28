using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class SnapshotRoundtripTests
{
    public static TheoryData<string, string?> Policies() => new()
    {
        { "ema", null },
        { "ema", """{ "perTaskType": false }""" },
        { "ema-lex", null },
        { "pheromone", null },
        { "pheromone", """{ "synchronousUpdates": false }""" },
        { "ucb1", null },
        { "thompson", null },
        { "epsilon", null },
        { "linucb", null },
        { "random", null },
        { "round-robin", null },
        { "fixed", null },
        { "all", null },
        { "least-loaded", null },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_restored_policy_continues_exactly_as_the_original(string name, string? parameters)
    {
        var problem = SyntheticProblem.ThreeTasks();
        JsonObject? Parameters() => parameters is null ? null : JsonNode.Parse(parameters)!.AsObject();
        var original = SyntheticProblem.Create(name, seed: 7, Parameters(), costWeight: 0.2);
        problem.Run(original, 0, 150, panelSize: 2);

        var json = original.Snapshot().ToJsonString();
        var restored = SyntheticProblem.Create(name, seed: 7, Parameters(), costWeight: 0.2);
        restored.Restore(JsonNode.Parse(json)!.AsObject());
        Assert.Equal(json, restored.Snapshot().ToJsonString());

        var expected = problem.Run(original, 150, 150, panelSize: 2);
        var actual = problem.Run(restored, 150, 150, panelSize: 2);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Panel, actual[i].Panel);
            Assert.Equal(expected[i].Scores, actual[i].Scores);
        }

        // Also without task types, so the pheromone clustering and the EMA fallback are exercised.
        Assert.Equal(
            problem.Run(original, 300, 50, 1, withTaskType: false).Select(d => string.Join(",", d.Panel)),
            problem.Run(restored, 300, 50, 1, withTaskType: false).Select(d => string.Join(",", d.Panel)));
    }

    [Fact]
    public void Restoring_another_policys_snapshot_is_rejected_naming_the_policy()
    {
        var snapshot = SyntheticProblem.Create("ucb1").Snapshot();
        var error = Assert.Throws<ArgumentException>(() => SyntheticProblem.Create("thompson").Restore(snapshot));
        Assert.Contains("ucb1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_with_a_missing_field_is_rejected_naming_the_field()
    {
        var problem = SyntheticProblem.ThreeTasks();
        var policy = SyntheticProblem.Create("ucb1");
        problem.Run(policy, 0, 10);
        var snapshot = policy.Snapshot();
        snapshot.Remove("pulls");
        var error = Assert.Throws<ArgumentException>(() => SyntheticProblem.Create("ucb1").Restore(snapshot));
        Assert.Equal("pulls", error.ParamName);
    }
}
