using System.Text.Json.Nodes;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Adapters;

/// <summary>Every way an adapter folder can be unusable gives a <see cref="LoraAdapterException"/> naming the file and field.</summary>
public sealed class LoraAdapterValidationTests : IDisposable
{
    private const string Fingerprint = "sha256:0123";
    private readonly TemporaryDirectory _directory = new();
    private readonly MoeModelConfig _config = TinyConfigs.For(ModelArchitecture.Mixtral);
    private readonly string _adapterDirectory;

    public LoraAdapterValidationTests()
    {
        _adapterDirectory = _directory.Combine("adapter");
        using var adapter = TestAdapters.Random(_config, TestAdapters.Config(rank: 4, fingerprint: Fingerprint), seed: 1);
        adapter.Save(_adapterDirectory);
    }

    private string ConfigPath => Path.Combine(_adapterDirectory, LoraAdapterConfig.FileName);

    private string WeightsPath => Path.Combine(_adapterDirectory, LoraAdapter.WeightsFileName);

    private LoraBaseModel Base => new(_config, _directory.Combine("base"), Fingerprint);

    [Fact]
    public void TheUntouchedFolderLoads()
    {
        using var adapter = LoraAdapterLoader.Load(_adapterDirectory, Base);
        Assert.Equal(4, adapter.Config.Rank);
        Assert.Equal(2.0, adapter.Config.Scale);
    }

    [Fact]
    public void MissingFolder() => AssertFails(_directory.Combine("nowhere"), "(folder)", "not found");

    [Fact]
    public void MissingConfig()
    {
        File.Delete(ConfigPath);
        AssertFails(ConfigPath, "(file)", "adapter_config.json not found");
    }

    [Fact]
    public void MissingWeights()
    {
        File.Delete(WeightsPath);
        AssertFails(WeightsPath, "(file)", "adapter_model.safetensors not found");
    }

    [Fact]
    public void CorruptWeights()
    {
        File.WriteAllBytes(WeightsPath, [1, 2, 3]);
        var error = Assert.Throws<LoraAdapterException>(() => LoraAdapterLoader.Load(_adapterDirectory, Base));
        Assert.Equal(WeightsPath, error.FilePath);
    }

    [Fact]
    public void InvalidJson()
    {
        File.WriteAllText(ConfigPath, "{ not json");
        AssertFails(ConfigPath, "(document)", "not valid JSON");
    }

    [Theory]
    [InlineData("peft_type", "\"IA3\"", "only \"LORA\"")]
    [InlineData("target_modules", "[\"q_proj\", \"gate_proj\"]", "unsupported target module \"gate_proj\"")]
    [InlineData("target_modules", "\"q_proj|v_proj\"", "regular-expression")]
    [InlineData("r", "0", "positive integer")]
    [InlineData("lora_alpha", "\"big\"", "expected a number")]
    [InlineData("bias", "\"all\"", "only \"none\"")]
    [InlineData("fan_in_fan_out", "true", "only false")]
    [InlineData("use_dora", "true", "DoRA")]
    [InlineData("modules_to_save", "[\"lm_head\"]", "not supported")]
    [InlineData("lora_dropout", "1.5", "[0, 1)")]
    [InlineData("layers_to_transform", "[0, 7]", "layer 7 does not exist")]
    [InlineData("base_model_name_or_path", "\"\"", "required")]
    public void BadConfigField(string field, string valueJson, string problem)
    {
        EditConfig(node => node[field] = JsonNode.Parse(valueJson));
        AssertFails(ConfigPath, field, problem);
    }

    [Fact]
    public void RankDisagreeingWithTheTensors()
    {
        EditConfig(node => node["r"] = 2);
        AssertFails(WeightsPath, "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight", "shape [4, 32] does not match [2, 32]");
    }

    [Fact]
    public void TensorShapedForAnotherBase()
    {
        var wider = _config with { HiddenSize = 48 };
        var error = Assert.Throws<LoraAdapterException>(() => LoraAdapterLoader.Load(_adapterDirectory, new LoraBaseModel(wider, null, null)));
        Assert.Equal(WeightsPath, error.FilePath);
        Assert.Contains("does not match [4, 48]", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTensor()
    {
        RewriteWeights(tensors => tensors.Remove("base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight"));
        AssertFails(WeightsPath, "base_model.model.model.layers.2.self_attn.v_proj.lora_B.weight", "missing");
    }

    [Fact]
    public void TensorTheConfigDoesNotAccountFor()
    {
        EditConfig(node => node["target_modules"] = new JsonArray("q_proj", "k_proj", "v_proj"));
        AssertFails(WeightsPath, "base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight", "not used by an adapter");
    }

    [Fact]
    public void BaseWithAnotherFingerprint()
    {
        var error = Assert.Throws<LoraAdapterException>(() =>
            LoraAdapterLoader.Load(_adapterDirectory, Base with { Fingerprint = "sha256:ffff" }));
        Assert.Equal(ConfigPath, error.FilePath);
        Assert.Equal(LoraAdapterConfig.FingerprintField, error.Field);
        Assert.Contains("sha256:0123", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutFingerprintTheBaseNameMustMatch()
    {
        EditConfig(node =>
        {
            node.Remove(LoraAdapterConfig.FingerprintField);
            node["base_model_name_or_path"] = "../other-base";
        });
        AssertFails(ConfigPath, "base_model_name_or_path", "not the base model");

        EditConfig(node => node["base_model_name_or_path"] = "../base");
        using var adapter = LoraAdapterLoader.Load(_adapterDirectory, Base);
        Assert.Null(adapter.Config.BaseModelFingerprint);
    }

    private void AssertFails(string expectedFile, string expectedField, string problemFragment)
    {
        var folder = expectedFile.EndsWith(".json", StringComparison.Ordinal) || expectedFile.EndsWith(".safetensors", StringComparison.Ordinal)
            ? _adapterDirectory
            : expectedFile;
        var error = Assert.Throws<LoraAdapterException>(() => LoraAdapterLoader.Load(folder, Base));
        Assert.Equal(expectedFile, error.FilePath);
        Assert.Equal(expectedField, error.Field);
        Assert.Contains(problemFragment, error.Problem, StringComparison.Ordinal);
        Assert.Contains(expectedFile, error.Message, StringComparison.Ordinal);
    }

    private void EditConfig(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        edit(node);
        File.WriteAllText(ConfigPath, node.ToJsonString());
    }

    private void RewriteWeights(Action<Dictionary<string, Tensor>> edit)
    {
        Dictionary<string, Tensor> tensors;
        using (var file = SafetensorsFile.Open(WeightsPath))
        {
            tensors = file.Tensors.ToDictionary(info => info.Name, info => file.ReadTensor(info.Name));
        }
        edit(tensors);
        SafetensorsWriter.Write(WeightsPath, tensors);
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    public void Dispose() => _directory.Dispose();
}
