using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
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

    /// <summary>Thompson caches each arm's posterior while its pull count is unchanged; a snapshot restored into a policy
    /// that has already decided must not be read through that cache, even where an arm's pull count is the same and its
    /// rewards differ.</summary>
    [Fact]
    public void Restoring_into_a_policy_that_has_decided_replaces_its_cached_posteriors()
    {
        Candidate[] candidates = [new(AgentProfile.Simple("a")), new(AgentProfile.Simple("b"))];
        var query = new Query("q", "which?");
        var learner = PolicyCatalog.Create("thompson", new PolicySettings(Seed: 3));
        var other = PolicyCatalog.Create("thompson", new PolicySettings(Seed: 3));
        learner.Observe(query, new AgentOutcome("a", 1, 1, 0));
        learner.Observe(query, new AgentOutcome("b", 1, 1, 0));
        other.Observe(query, new AgentOutcome("a", 0, 1, 0));
        other.Observe(query, new AgentOutcome("b", 0, 1, 0));
        learner.Select(query, candidates, 1); // fills the cache: one pull per arm, reward 1

        learner.Restore(JsonNode.Parse(other.Snapshot().ToJsonString())!.AsObject()); // one pull per arm, reward 0
        var afterRestore = learner.Select(query, candidates, 1);
        var fromOther = other.Select(query, candidates, 1);
        Assert.Equal(fromOther.Scores, afterRestore.Scores);
        Assert.Equal(1.0 / 3, afterRestore.Scores[0].Exploit, 12); // Beta(1, 2): the reward-0 posterior
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

    [Theory]
    [InlineData("ucb1", "decisions", "\"many\"")]
    [InlineData("linucb", "dimension", "\"wide\"")]
    [InlineData("thompson", "random", "{ \"s\": [\"zz\", \"1\", \"2\", \"3\"] }")]
    [InlineData("pheromone", "costEpsilon", "[1]")]
    public void A_snapshot_field_of_the_wrong_kind_is_rejected_naming_the_field(string name, string field, string json)
    {
        var problem = SyntheticProblem.ThreeTasks();
        var policy = SyntheticProblem.Create(name);
        problem.Run(policy, 0, 10);
        var snapshot = policy.Snapshot();
        snapshot[field] = JsonNode.Parse(json);
        var error = Assert.Throws<ArgumentException>(() => SyntheticProblem.Create(name).Restore(snapshot));
        Assert.StartsWith(field, error.ParamName, StringComparison.Ordinal);
    }
}
