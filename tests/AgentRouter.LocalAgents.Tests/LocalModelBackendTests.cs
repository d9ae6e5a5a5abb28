using AgentRouter.Core.Backends;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.LocalAgents.Tests;

public sealed class LocalModelBackendTests : IDisposable
{
    private readonly TinyCheckpoint _checkpoint = new();
    private readonly SharedModelHosts _hosts = new();

    public void Dispose()
    {
        _hosts.Dispose();
        _checkpoint.Dispose();
    }

    [Fact]
    public async Task Analysis_chooses_the_letter_with_the_highest_logit_and_reports_letter_probabilities()
    {
        var errors = new List<ManifestError>();
        var backend = Build(_checkpoint.WriteManifest("tiny", """{"modelPath":"model","workingTokens":4}"""), errors);
        Assert.Empty(errors);
        Assert.NotNull(backend);

        var item = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 7, Difficulties: [1]))[0];
        var analysis = await backend.AnalyzeAsync("tiny", item.ToQuery(), null, CancellationToken.None);

        // The reference: the same model's last-position logits, read directly.
        var tokenizer = new ByteLevelTokenizer();
        var logits = (await _hosts.Get(_checkpoint.ModelDirectory).LogitsAsync(tokenizer.Encode(item.Prompt), allPositions: false))[^1];
        var expected = SuitePrompt.Letters.MaxBy(letter => logits[tokenizer.Encode(letter).Single()])!;
        Assert.Equal(expected, analysis.Choice);
        Assert.NotNull(analysis.OptionProbabilities);
        Assert.Equal(SuitePrompt.Letters, analysis.OptionProbabilities.Keys.Order());
        Assert.Equal(1.0, analysis.OptionProbabilities.Values.Sum(), 6);
        Assert.Equal(analysis.OptionProbabilities[expected], analysis.Confidence);
        Assert.Equal(analysis.OptionProbabilities.Values.Max(), analysis.Confidence);
        Assert.True(analysis.Cost > 0);
    }

    [Fact]
    public async Task Shared_kv_cache_gives_the_private_path_s_answer_and_reports_reuse()
    {
        var errors = new List<ManifestError>();
        var shared = Build(_checkpoint.WriteManifest("shared", """{"modelPath":"model","workingTokens":4}"""), errors)!;
        var other = Build(_checkpoint.WriteManifest("other", """{"modelPath":"model","workingTokens":4,"kvCache":"shared"}"""), errors)!;
        var isolated = Build(_checkpoint.WriteManifest("isolated", """{"modelPath":"model","workingTokens":4,"kvCache":"private"}"""), errors)!;
        Assert.Empty(errors);
        var query = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 11, Difficulties: [1]))[0].ToQuery();

        var first = await shared.AnalyzeAsync("shared", query, null, CancellationToken.None);
        var second = await other.AnalyzeAsync("other", query, null, CancellationToken.None);
        var reference = await isolated.AnalyzeAsync("isolated", query, null, CancellationToken.None);

        Assert.Null(reference.KvReuse);
        Assert.Equal(0, first.KvReuse!.ReusedTokens);
        Assert.True(second.KvReuse!.ReusedTokens > 0);
        Assert.Equal(first.KvReuse.PromptTokens, second.KvReuse.PromptTokens);
        foreach (var analysis in new[] { first, second })
        {
            Assert.Equal(reference.Choice, analysis.Choice);
            Assert.Equal(reference.Text, analysis.Text);
            foreach (var (letter, probability) in reference.OptionProbabilities!)
            {
                Assert.Equal(probability, analysis.OptionProbabilities![letter], 6);
            }
        }
    }

    [Fact]
    public void Unknown_kv_cache_mode_is_a_manifest_error()
    {
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("odd", """{"modelPath":"model","kvCache":"sometimes"}"""), errors));
        Assert.Equal("settings.kvCache", Assert.Single(errors).Field);
    }

    [Fact]
    public void Agents_on_the_same_weights_share_one_loaded_model()
    {
        var errors = new List<ManifestError>();
        Assert.NotNull(Build(_checkpoint.WriteManifest("first", """{"modelPath":"model"}"""), errors));
        Assert.NotNull(Build(_checkpoint.WriteManifest("second", """{"modelPath":"./model/"}"""), errors));
        Assert.Empty(errors);
        Assert.Equal(1, _hosts.LoadedCount);
    }

    [Fact]
    public void Missing_weights_are_a_manifest_error_naming_the_file_and_field()
    {
        var manifest = _checkpoint.WriteManifest("lost", """{"modelPath":"no-such-model"}""");
        var errors = new List<ManifestError>();
        Assert.Null(Build(manifest, errors));
        var error = Assert.Single(errors);
        Assert.Equal(manifest, error.File);
        Assert.Equal("settings.modelPath", error.Field);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _hosts.LoadedCount);
    }

    [Fact]
    public void Corrupt_weights_are_a_manifest_error()
    {
        var corrupt = Path.Combine(_checkpoint.Root, "corrupt");
        Directory.CreateDirectory(corrupt);
        File.Copy(Path.Combine(_checkpoint.ModelDirectory, "config.json"), Path.Combine(corrupt, "config.json"));
        File.WriteAllBytes(Path.Combine(corrupt, "model.safetensors"), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("corrupt", """{"modelPath":"corrupt"}"""), errors));
        Assert.Equal("settings.modelPath", Assert.Single(errors).Field);
    }

    [Fact]
    public void Unknown_or_missing_settings_are_errors_before_any_load()
    {
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("typo", """{"modelPth":"model","workingTokens":-1}"""), errors));
        Assert.Equal(["settings.modelPath", "settings.modelPth", "settings.workingTokens"], errors.Select(error => error.Field).Order());
        Assert.Equal(0, _hosts.LoadedCount);
    }

    [Fact]
    public void Unknown_dtype_and_device_are_manifest_errors_naming_the_field()
    {
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("dtype", """{"modelPath":"model","dtype":"int4"}"""), errors));
        var dtype = Assert.Single(errors);
        Assert.Equal("settings.dtype", dtype.Field);
        Assert.Contains("unknown dtype 'int4'", dtype.Message, StringComparison.Ordinal);

        errors.Clear();
        Assert.Null(Build(_checkpoint.WriteManifest("device", """{"modelPath":"model","device":"tpu:0"}"""), errors));
        var device = Assert.Single(errors);
        Assert.Equal("settings.device", device.Field);
        Assert.Contains("unknown device 'tpu:0'", device.Message, StringComparison.Ordinal);
        Assert.Equal(0, _hosts.LoadedCount);
    }

    [Fact]
    public void Cuda_asked_for_on_a_machine_without_it_is_a_manifest_error()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return; // the check needs a CPU-only machine (every CI machine here is one)
        }
        var errors = new List<ManifestError>();
        Assert.Null(Build(_checkpoint.WriteManifest("gpu", """{"modelPath":"model","device":"cuda:0"}"""), errors));
        var error = Assert.Single(errors);
        Assert.Equal("settings.device", error.Field);
        Assert.Contains("no CUDA device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bf16_agent_gets_its_own_host_and_answers()
    {
        var errors = new List<ManifestError>();
        var exact = Build(_checkpoint.WriteManifest("exact", """{"modelPath":"model","workingTokens":2}"""), errors)!;
        var reduced = Build(_checkpoint.WriteManifest("reduced", """{"modelPath":"model","workingTokens":2,"dtype":"bf16","device":"cpu"}"""), errors)!;
        Assert.Empty(errors);
        Assert.Equal(2, _hosts.LoadedCount);
        var query = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 3, Difficulties: [1]))[0].ToQuery();
        var fromExact = await exact.AnalyzeAsync("exact", query, null, CancellationToken.None);
        var fromReduced = await reduced.AnalyzeAsync("reduced", query, null, CancellationToken.None);
        Assert.NotNull(fromReduced.Choice);
        Assert.Equal(fromExact.OptionProbabilities!.Keys.Order(), fromReduced.OptionProbabilities!.Keys.Order());
    }

    private IModelBackend? Build(string manifestPath, List<ManifestError> errors) => TinyCheckpoint.BuildBackend(manifestPath, _hosts, errors);
}
