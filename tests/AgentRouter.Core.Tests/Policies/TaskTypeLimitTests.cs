using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary>Task types come from clients: a policy's per-task-type tables stop growing at <c>maxTaskTypes</c>,
/// and a task type beyond it is scored and learned agent-wide (issue #16, unbounded memory via task_type).</summary>
public class TaskTypeLimitTests
{
    [Fact]
    public void Ema_tracks_at_most_max_task_types_and_scores_the_rest_agent_wide()
    {
        var policy = new EmaPolicy(new PolicySettings(1, null, JsonNode.Parse("""{ "maxTaskTypes": 2 }""")!.AsObject()));
        for (var i = 0; i < 50; i++)
        {
            policy.Observe(new Query($"q{i}", "x", $"type-{i}"), new AgentOutcome("a", i % 2, 1000, 0.01));
        }

        var byTaskType = policy.Snapshot()["byTaskType"]!.AsObject();
        Assert.Equal(["type-0", "type-1"], byTaskType.Select(p => p.Key).Order(StringComparer.Ordinal));
        var candidates = new[] { new Candidate(AgentProfile.Simple("a")) };
        Assert.Equal(
            policy.Select(new Query("u", "x", null), candidates, 1).Scores[0].Score,
            policy.Select(new Query("v", "x", "type-49"), candidates, 1).Scores[0].Score, 12);
    }

    [Fact]
    public void Pheromone_task_type_ability_is_bounded_too()
    {
        var policy = new PheromonePolicy(new PolicySettings(1, null, JsonNode.Parse("""{ "abilityPerTaskType": true, "maxTaskTypes": 3 }""")!.AsObject()));
        for (var i = 0; i < 40; i++)
        {
            policy.Observe(new Query($"q{i}", "x", $"type-{i}"), new AgentOutcome("a", 1, 1000, 0.01));
        }

        Assert.Equal(3, policy.Snapshot()["abilityByTaskType"]!.AsObject().Count);
    }

    [Fact]
    public void Max_task_types_is_range_checked()
    {
        var error = Assert.Throws<ArgumentException>(() => new EmaPolicy(new PolicySettings(1, null, JsonNode.Parse("""{ "maxTaskTypes": 0 }""")!.AsObject())));
        Assert.Equal("maxTaskTypes", error.ParamName);
    }
}
