using AgentRouter.Actors;
using AgentRouter.Core.Backends;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Tokenization;
using static TorchSharp.torch;

namespace AgentRouter.LocalAgents.Tests;

/// <summary>Agents that are LoRA adapters over one base checkpoint.</summary>
public sealed class LoraAgentTests : IDisposable
{
    private readonly TinyCheckpoint _checkpoint = new();
    private readonly SharedModelHosts _hosts = new();

    public LoraAgentTests()
    {
        var fingerprint = BaseModelFingerprint.Compute(_checkpoint.ModelDirectory);
        _checkpoint.WriteRandomAdapter("adapter-one", fingerprint, seed: 1);
        _checkpoint.WriteRandomAdapter("adapter-two", fingerprint, seed: 2);
        _checkpoint.WriteRandomAdapter("adapter-other-base", "sha256:not-this-base", seed: 3);
    }

    public void Dispose()
    {
        _hosts.Dispose();
        _checkpoint.Dispose();
    }

    [Fact]
    public async Task Two_adapter_agents_share_one_loaded_base_and_answer_through_their_own_adapter()
    {
        var errors = new List<ManifestError>();
        var one = Build(_checkpoint.WriteManifest("one", """{"modelPath":"model","adapterPath":"adapter-one","workingTokens":2}"""), errors);
        var two = Build(_checkpoint.WriteManifest("two", """{"modelPath":"./model/","adapterPath":"adapter-two","workingTokens":2}"""), errors);
        var plain = Build(_checkpoint.WriteManifest("plain", """{"modelPath":"model","workingTokens":2}"""), errors);
        Assert.Empty(errors);
        Assert.Equal(1, _hosts.LoadedCount);

        var query = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 7, Difficulties: [1]))[0].ToQuery();
        var analyses = new[] { one, two, plain }.Select(backend => backend!.AnalyzeAsync("agent", query, null, CancellationToken.None).AsTask());
        var results = await Task.WhenAll(analyses);

        var host = _hosts.Get(_checkpoint.ModelDirectory);
        var ids = new ByteLevelTokenizer().Encode(query.Text); // a suite prompt already ends with the answer cue
        var adapterOne = await host.LoadAdapterAsync(Path.Combine(_checkpoint.Root, "adapter-one"));
        var expected = LetterProbabilities((await host.LogitsAsync(ids, allPositions: false, adapterOne))[^1]);
        Assert.Equal(expected, results[0].OptionProbabilities!.OrderBy(pair => pair.Key).Select(pair => pair.Value), new Tolerance(1e-9));
        Assert.NotEqual(results[0].OptionProbabilities!["A"], results[1].OptionProbabilities!["A"]);
        Assert.NotEqual(results[0].OptionProbabilities!["A"], results[2].OptionProbabilities!["A"]);
    }

    [Fact]
    public async Task A_runtime_starts_adapter_agents_from_manifests()
    {
        var manifests = Path.Combine(_checkpoint.Root, "agents");
        Directory.CreateDirectory(manifests);
        foreach (var name in new[] { "one", "two" })
        {
            File.Move(_checkpoint.WriteManifest(name, $$"""{"modelPath":"../model","adapterPath":"../adapter-{{name}}","workingTokens":1}"""),
                Path.Combine(manifests, name + ".json"));
        }
        var options = new AgentRouterOptions { SystemName = "lora-test", AgentsDirectory = manifests };
        options.AddRouter(new Actors.Routing.RouterSettings("main", PanelSize: 2, MergeStrategy: "majority", MaxRetries: 0), "ema");
        await using var runtime = await AgentRouterRuntime.StartAsync(options, AgentRouterComposition.Create(compose => compose.AddLocalBackends(_hosts)));

        var item = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 3, Split: SuiteSplitFilter.Test))[0];
        var answered = await runtime.Client.AskAsync(item.ToQuery());

        Assert.Equal(["one", "two"], answered.Analyses.Select(analysis => analysis.Agent).Order());
        Assert.Equal(1, _hosts.LoadedCount);
    }

    [Fact]
    public void A_missing_adapter_is_a_manifest_error_naming_the_field()
    {
        var manifest = _checkpoint.WriteManifest("lost", """{"modelPath":"model","adapterPath":"no-such-adapter"}""");
        var errors = new List<ManifestError>();
        Assert.Null(Build(manifest, errors));
        var error = Assert.Single(errors);
        Assert.Equal(manifest, error.File);
        Assert.Equal("settings.adapterPath", error.Field);
        Assert.Contains("no-such-adapter", error.Message, StringComparison.Ordinal);
        Assert.Contains("adapter folder not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_adapter_trained_on_another_base_is_a_manifest_error()
    {
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("mismatch", """{"modelPath":"model","adapterPath":"adapter-other-base"}"""), errors));
        var error = Assert.Single(errors);
        Assert.Equal("settings.adapterPath", error.Field);
        Assert.Contains(LoraAdapterConfig.FingerprintField, error.Message, StringComparison.Ordinal);
        Assert.Contains("sha256:not-this-base", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_adapter_path_is_an_error_before_any_load()
    {
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("empty", """{"modelPath":"model","adapterPath":""}"""), errors));
        Assert.Equal("settings.adapterPath", Assert.Single(errors).Field);
        Assert.Equal(0, _hosts.LoadedCount);
    }

    private static double[] LetterProbabilities(float[] logits)
    {
        var tokenizer = new ByteLevelTokenizer();
        var letterLogits = SuitePrompt.Letters.Select(letter => (double)logits[tokenizer.Encode(letter).Single()]).ToArray();
        var max = letterLogits.Max();
        var exps = letterLogits.Select(value => Math.Exp(value - max)).ToArray();
        return exps.Select(value => value / exps.Sum()).ToArray();
    }

    private IModelBackend? Build(string manifestPath, List<ManifestError> errors) => TinyCheckpoint.BuildBackend(manifestPath, _hosts, errors);

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
