using AgentRouter.Actors;
using AgentRouter.Core.Backends;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Suite;

namespace AgentRouter.LocalAgents.Tests;

public sealed class LocalAgentsRuntimeTests
{
    [Fact]
    public async Task A_router_over_two_local_agents_on_one_checkpoint_answers_with_a_merged_letter()
    {
        using var checkpoint = new TinyCheckpoint();
        using var hosts = new SharedModelHosts();
        var manifests = Path.Combine(checkpoint.Root, "agents");
        Directory.CreateDirectory(manifests);
        foreach (var name in new[] { "left", "right" })
        {
            File.Move(checkpoint.WriteManifest(name, """{"modelPath":"../model","workingTokens":2}"""), Path.Combine(manifests, name + ".json"));
        }

        var options = new AgentRouterOptions { SystemName = "local-test", AgentsDirectory = manifests };
        options.AddRouter(new RouterSettings("main", PanelSize: 2, MergeStrategy: "majority", MaxRetries: 0), "ema");
        await using var runtime = await AgentRouterRuntime.StartAsync(options, AgentRouterComposition.Create(compose => compose.AddLocalBackends(hosts)));

        var item = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 3, Split: SuiteSplitFilter.Test))[0];
        var answered = await runtime.Client.AskAsync(item.ToQuery());

        Assert.Equal(["left", "right"], answered.Analyses.Select(analysis => analysis.Agent).Order());
        // Same weights, same prompt: both agents choose the same letter, and the merge keeps it.
        Assert.Single(answered.Analyses.Select(analysis => analysis.Choice).Distinct());
        Assert.Equal(answered.Analyses[0].Choice, answered.Answer.Choice);
        Assert.Contains(answered.Answer.Choice, SuitePrompt.Letters);
        Assert.Equal(1, hosts.LoadedCount);

        // Panel fan-out on one backbone: the prompt is prefilled once; the other agent continues from its shared blocks.
        var reuse = answered.Analyses.Select(analysis => analysis.KvReuse!).OrderBy(kv => kv.ReusedTokens).ToArray();
        var promptTokens = reuse[0].PromptTokens;
        Assert.Equal(0, reuse[0].ReusedTokens);
        Assert.Equal((promptTokens - 1) / hosts.KvPoolOptions.TokensPerBlock * hosts.KvPoolOptions.TokensPerBlock, reuse[1].ReusedTokens);
        Assert.True(reuse[1].ReusedTokens > 0);
        Assert.Equal(reuse[1].ReusedTokens, hosts.KvPool("cpu").Metrics().PrefillTokensSaved);
    }
}
