using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary>The cold-start and per-task-type settings that let panel-1 routing find each task type's best agent
/// (issue 6): a seeded world of per-task-type Bernoulli agents, feedback delivered at once.</summary>
public class ConvergenceTests
{
    private const string QualityOnlyEma = """{ "alpha": 0.05, "coldQuality": 1, "stabilityWeight": 0, "latencyWeight": 0, "costWeight": 0, "qualityPriorWeight": PRIOR }""";

    private static readonly Candidate[] Candidates =
        [.. new[] { "a", "b", "c", "d" }.Select(name => new Candidate(AgentProfile.Simple(name, costPerCall: 0.01)))];

    private static IRoutingPolicy Ema(double priorWeight, int seed = 1) =>
        new EmaPolicy(new PolicySettings(seed, null, JsonNode.Parse(QualityOnlyEma.Replace("PRIOR", priorWeight.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsObject()));

    [Fact]
    public void With_a_quality_prior_one_wrong_answer_halves_an_optimistic_estimate_instead_of_zeroing_it()
    {
        var withPrior = Ema(1);
        var withoutPrior = Ema(0);
        var query = new Query("q", "x", "counting");
        withPrior.Observe(query, new AgentOutcome("a", 0, 10, 0.01));
        withoutPrior.Observe(query, new AgentOutcome("a", 0, 10, 0.01));

        Assert.Equal(0.5, withPrior.Select(query, Candidates, 1).Scores[0].Score, 12);
        Assert.Equal(0, withoutPrior.Select(query, Candidates, 1).Scores[0].Score, 12);

        // Second observation (correct): mean of prior and both answers, (1 + 0 + 1)/3, since 1/3 > α.
        withPrior.Observe(query, new AgentOutcome("a", 1, 10, 0.01));
        Assert.Equal(2.0 / 3, withPrior.Select(query, Candidates, 1).Scores[0].Score, 12);
    }

    [Fact]
    public void Once_the_running_mean_weighs_less_than_alpha_the_estimate_blends_with_alpha()
    {
        var policy = Ema(1);
        var query = new Query("q", "x", "counting");
        var expected = 1.0;
        for (var n = 1; n <= 40; n++)
        {
            var quality = n % 2;
            policy.Observe(query, new AgentOutcome("a", quality, 10, 0.01));
            expected += Math.Max(0.05, 1.0 / (1 + n)) * (quality - expected);
        }

        Assert.Equal(expected, policy.Select(query, Candidates, 1).Scores[0].Score, 12);
    }

    [Fact]
    public void A_fifty_percent_agent_is_found_among_twenty_five_percent_agents_more_often_with_the_prior()
    {
        // 20 seeded worlds, 60 queries of one task type each (the main job's queries per domain): agent "c" is right
        // half of the time, the others a quarter. Share of the last 30 queries sent to "c".
        double ShareToBest(double priorWeight)
        {
            var sent = 0;
            for (var world = 1; world <= 20; world++)
            {
                var policy = Ema(priorWeight);
                var random = new Random(world);
                for (var step = 0; step < 60; step++)
                {
                    var query = new Query($"q{step}", "x", "counting");
                    var agent = policy.Select(query, Candidates, 1).Panel[0];
                    var correct = random.NextDouble() < (agent == "c" ? 0.5 : 0.25);
                    policy.Observe(query, new AgentOutcome(agent, correct ? 1 : 0, 10, 0.01));
                    if (step >= 30 && agent == "c")
                    {
                        sent++;
                    }
                }
            }

            return sent / (20.0 * 30);
        }

        var withPrior = ShareToBest(1);
        var greedy = ShareToBest(0);
        Assert.True(withPrior >= 0.6, $"with prior weight 1 the 50 % agent got {withPrior:P0} of the last 30 queries");
        Assert.True(withPrior > greedy + 0.15, $"prior {withPrior:P0} vs first-observation-replaces {greedy:P0}");
    }

    [Fact]
    public void Per_task_type_ability_keeps_a_generalists_record_on_one_task_type_from_winning_another()
    {
        // alpha 0 ignores the trails, q0 1 always exploits: the choice is the ability heuristic alone.
        IRoutingPolicy Pheromone(bool perTaskType) => new PheromonePolicy(new PolicySettings(1, null, JsonNode.Parse(
            $$"""{ "alpha": 0, "q0": 1, "loadWeight": 0, "latencyWeight": 0, "costExponent": 0, "abilityPerTaskType": {{(perTaskType ? "true" : "false")}} }""")!.AsObject()));

        var perType = Pheromone(true);
        var agentWide = Pheromone(false);
        foreach (var policy in new[] { perType, agentWide })
        {
            for (var i = 0; i < 10; i++)
            {
                policy.Observe(new Query($"s{i}", "x", "strings"), new AgentOutcome("a", 1, 10, 0.01));
                policy.Observe(new Query($"c{i}", "x", "counting"), new AgentOutcome("b", i < 7 ? 1 : 0, 10, 0.01));
            }
        }

        var counting = new Query("next", "x", "counting");
        // Agent-wide: a 11/12 beats b 8/12. Per task type: a has no counting record (0.5), b has 8/12.
        Assert.Equal("a", agentWide.Select(counting, Candidates, 1).Panel[0]);
        Assert.Equal("b", perType.Select(counting, Candidates, 1).Panel[0]);
        Assert.Equal("a", perType.Select(new Query("next2", "x", "strings"), Candidates, 1).Panel[0]);

        // The per-task-type record survives a snapshot round trip; a snapshot without it restores to no record.
        var restored = Pheromone(true);
        restored.Restore(perType.Snapshot());
        Assert.Equal("b", restored.Select(counting, Candidates, 1).Panel[0]);
        var old = perType.Snapshot();
        Assert.True(old.Remove("abilityByTaskType"));
        var fromOld = Pheromone(true);
        fromOld.Restore(old);
        Assert.Equal("a", fromOld.Select(counting, Candidates, 1).Panel[0]); // all 0.5: first candidate
    }
}
