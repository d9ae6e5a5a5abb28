using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class BaselinePolicyTests
{
    private static readonly Candidate[] Candidates =
    [
        new(AgentProfile.Simple("a"), Load: 0.5),
        new(AgentProfile.Simple("b"), Load: 0.2),
        new(AgentProfile.Simple("c"), Load: 0.2),
    ];

    private static readonly Query Query = new("q", "x");

    [Fact]
    public void Round_robin_rotates_the_starting_candidate()
    {
        var policy = new RoundRobinPolicy(new PolicySettings());
        Assert.Equal(["a", "b"], policy.Select(Query, Candidates, 2).Panel);
        Assert.Equal(["b", "c"], policy.Select(Query, Candidates, 2).Panel);
        Assert.Equal(["c", "a"], policy.Select(Query, Candidates, 2).Panel);
        Assert.Equal(["a"], policy.Select(Query, Candidates, 1).Panel);
    }

    [Fact]
    public void Fixed_takes_the_named_agent_or_the_first_candidate()
    {
        Assert.Equal(["a"], new FixedPolicy(new PolicySettings()).Select(Query, Candidates, 1).Panel);
        var named = new FixedPolicy(new PolicySettings(1, null, new JsonObject { ["agent"] = "c" }));
        Assert.Equal(["c", "a"], named.Select(Query, Candidates, 2).Panel);
        var missing = new FixedPolicy(new PolicySettings(1, null, new JsonObject { ["agent"] = "zzz" }));
        var error = Assert.Throws<InvalidOperationException>(() => missing.Select(Query, Candidates, 1));
        Assert.Contains("zzz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_ignores_the_panel_size()
    {
        Assert.Equal(["a", "b", "c"], new AllPolicy(new PolicySettings()).Select(Query, Candidates, 1).Panel);
    }

    [Fact]
    public void Least_loaded_prefers_low_load_with_ties_in_candidate_order()
    {
        Assert.Equal(["b", "c", "a"], new LeastLoadedPolicy(new PolicySettings()).Select(Query, Candidates, 3).Panel);
    }

    [Fact]
    public void Every_catalog_policy_rejects_empty_candidates_and_bad_panel_sizes()
    {
        foreach (var name in PolicyCatalog.Names)
        {
            var policy = PolicyCatalog.Create(name, new PolicySettings());
            var query = new Query("q", "x", Features: [1f]);
            Assert.Throws<ArgumentException>(() => policy.Select(query, [], 1));
            if (name != "all")
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => policy.Select(query, Candidates, 0));
            }
        }
    }

    [Fact]
    public void The_catalog_registers_every_policy_under_its_own_name()
    {
        string[] expected = ["all", "ema", "ema-lex", "epsilon", "fixed", "least-loaded", "linucb", "pheromone", "random", "round-robin", "thompson", "ucb1"];
        foreach (var name in expected)
        {
            Assert.Equal(name, PolicyCatalog.Create(name, new PolicySettings()).Name);
        }
    }
}
