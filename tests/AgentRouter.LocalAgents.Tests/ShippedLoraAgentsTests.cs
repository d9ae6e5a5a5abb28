using AgentRouter.Actors;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Suite;

namespace AgentRouter.LocalAgents.Tests;

/// <summary>The shipped adapter agents (agents/local/lora-*.json) start over their shared base: a retrained base
/// without retrained adapters (or a lost adapter file) fails here rather than at a user's start-up.</summary>
public sealed class ShippedLoraAgentsTests
{
    [Fact]
    public async Task The_shipped_lora_agents_load_over_one_base_and_answer()
    {
        var manifestFolder = Path.Combine(RepositoryRoot(), "agents", "local");
        using var hosts = new SharedModelHosts();
        var composition = AgentRouterComposition.Create(compose => compose.AddLocalBackends(hosts));
        var errors = new List<ManifestError>();
        var query = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 5, Split: SuiteSplitFilter.Test, Difficulties: [1]))[0].ToQuery();

        foreach (var name in new[] { "lora-counting", "lora-comparison" })
        {
            var path = Path.Combine(manifestFolder, name + ".json");
            var parsed = AgentManifestLoader.Parse(File.ReadAllText(path), path);
            Assert.Empty(parsed.Errors);
            Assert.True(composition.TryGetBackendFactory(LocalBackendRegistration.Kind, out var factory));
            var backend = factory(Assert.Single(parsed.Manifests), errors);
            Assert.Empty(errors);
            var analysis = await backend!.AnalyzeAsync(name, query, null, CancellationToken.None);
            Assert.Contains(analysis.Choice, SuitePrompt.Letters);
        }
        Assert.Equal(1, hosts.LoadedCount);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no AgentRouter.sln above {AppContext.BaseDirectory}");
    }
}
