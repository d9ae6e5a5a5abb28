using AgentRouter.Core.Agents;
using AgentRouter.Core.Suite;

namespace AgentRouter.Hosting.Tests;

/// <summary><c>serve --agents agents/local</c>, as the CLI starts it: the shipped local MoE agents behind real HTTP.</summary>
public sealed class ServeLocalAgentsTests
{
    [Fact]
    public async Task Serve_hosts_the_shipped_local_agents_as_direct_models_and_behind_the_router()
    {
        var agentsDirectory = Repository.Path("agents", "local");
        var localAgents = AgentManifestLoader.LoadDirectory(agentsDirectory).Manifests.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(7, localAgents.Count);
        await using var server = await AgentRouterHost.StartServerAsync(Http.Loopback(o => o.AgentsDirectory = agentsDirectory));
        var question = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 5, Split: SuiteSplitFilter.Test, Difficulties: [1]))[0].ToQuery().Text;

        // A local agent called directly: exactly that agent answers, through its loaded checkpoint.
        var direct = await Http.ChatAsync(server, "mixtral-arithmetic", question);
        Assert.Equal([("mixtral-arithmetic", "succeeded")], Http.Analyses(direct));
        Assert.False(string.IsNullOrWhiteSpace(direct["choices"]![0]!["message"]!["content"]!.GetValue<string>()));

        // The router: a panel of three local agents, merged into one answer.
        var routed = await Http.ChatAsync(server, "router", question);
        var panel = Http.Analyses(routed);
        Assert.Equal(3, panel.Count);
        Assert.All(panel, a => Assert.Contains(a.Agent, localAgents));
        Assert.All(panel, a => Assert.Equal("succeeded", a.Status));
        Assert.Equal(3, panel.Select(a => a.Agent).Distinct().Count());
        Assert.False(string.IsNullOrWhiteSpace(routed["choices"]![0]!["message"]!["content"]!.GetValue<string>()));
    }
}
