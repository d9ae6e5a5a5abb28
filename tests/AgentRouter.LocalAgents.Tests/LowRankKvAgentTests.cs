using AgentRouter.Core.Backends;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using static TorchSharp.torch;

namespace AgentRouter.LocalAgents.Tests;

/// <summary>LoRA agents with <c>"kvCache": "low-rank"</c>: the base K/V of a prompt is prefilled once for all of them.</summary>
public sealed class LowRankKvAgentTests : IDisposable
{
    private readonly TinyCheckpoint _checkpoint = new();
    private readonly SharedModelHosts _hosts = new();

    public LowRankKvAgentTests()
    {
        var fingerprint = BaseModelFingerprint.Compute(_checkpoint.ModelDirectory);
        _checkpoint.WriteRandomAdapter("adapter-one", fingerprint, seed: 1);
        _checkpoint.WriteRandomAdapter("adapter-two", fingerprint, seed: 2);
    }

    public void Dispose()
    {
        _hosts.Dispose();
        _checkpoint.Dispose();
    }

    [Fact]
    public async Task Second_low_rank_agent_continues_from_the_first_one_s_base_prefill()
    {
        var errors = new List<ManifestError>();
        var one = Build(_checkpoint.WriteManifest("one", """{"modelPath":"model","adapterPath":"adapter-one","workingTokens":3,"kvCache":"low-rank"}"""), errors)!;
        var two = Build(_checkpoint.WriteManifest("two", """{"modelPath":"model","adapterPath":"adapter-two","workingTokens":3,"kvCache":"low-rank"}"""), errors)!;
        var exactOne = Build(_checkpoint.WriteManifest("exact-one", """{"modelPath":"model","adapterPath":"adapter-one","workingTokens":3,"kvCache":"private"}"""), errors)!;
        var exactTwo = Build(_checkpoint.WriteManifest("exact-two", """{"modelPath":"model","adapterPath":"adapter-two","workingTokens":3,"kvCache":"private"}"""), errors)!;
        Assert.Empty(errors);
        var query = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 5, Difficulties: [1]))[0].ToQuery();

        var first = await one.AnalyzeAsync("one", query, null, CancellationToken.None);
        var second = await two.AnalyzeAsync("two", query, null, CancellationToken.None);

        Assert.Equal(KvReuseMode.LowRank, first.KvReuse!.Mode);
        Assert.Equal(0, first.KvReuse.ReusedTokens);
        Assert.Equal(first.KvReuse.PromptTokens - 1, second.KvReuse!.ReusedTokens);
        // The tiny checkpoint has one layer, whose input does not depend on any adapter: here the approximation is exact.
        foreach (var (shared, exact) in new[] { (first, await exactOne.AnalyzeAsync("exact-one", query, null, CancellationToken.None)),
                     (second, await exactTwo.AnalyzeAsync("exact-two", query, null, CancellationToken.None)) })
        {
            Assert.Equal(exact.Choice, shared.Choice);
            Assert.Equal(exact.Text, shared.Text);
            foreach (var (letter, probability) in exact.OptionProbabilities!)
            {
                Assert.Equal(probability, shared.OptionProbabilities![letter], 5);
            }
        }
        Assert.NotEqual(first.OptionProbabilities!["A"], second.OptionProbabilities!["A"]);
    }

    [Fact]
    public void Low_rank_without_an_adapter_is_a_manifest_error()
    {
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("plain", """{"modelPath":"model","kvCache":"low-rank"}"""), errors));
        Assert.Equal("settings.kvCache", Assert.Single(errors).Field);
    }

    private IModelBackend? Build(string manifestPath, List<ManifestError> errors) => TinyCheckpoint.BuildBackend(manifestPath, _hosts, errors);
}
