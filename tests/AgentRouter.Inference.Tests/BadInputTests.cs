using System.Text.Json.Nodes;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>
/// A corpus of broken inputs, each made by the test itself, each giving a typed error that names the file,
/// tensor or field at fault.
/// </summary>
public sealed class BadInputTests
{
    private const string Tensor = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    private static readonly Dictionary<string, Func<string, string>> SafetensorsCases = new()
    {
        ["empty file"] = directory => BadInputCorpus.Bytes(directory, Array.Empty<byte>()),
        ["shorter than the length field"] = directory => BadInputCorpus.Bytes(directory, new byte[] { 1, 2, 3, 4, 5 }),
        ["header length beyond the file"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor, 16, declaredHeaderLength: 4096),
        ["header length of 2^64-1"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor, 16, declaredHeaderLength: ulong.MaxValue),
        ["header length zero"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor, 16, declaredHeaderLength: 0),
        ["header is not JSON"] = directory => BadInputCorpus.RawSafetensors(directory, "{\"w\": {dtype: F32", 16),
        ["header is a JSON array"] = directory => BadInputCorpus.RawSafetensors(directory, "[1,2,3]", 16),
        ["entry is not an object"] = directory => BadInputCorpus.RawSafetensors(directory, "{\"w\": 5}", 16),
        ["unknown dtype"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("F32", "I64"), 16),
        ["missing dtype"] = directory => BadInputCorpus.RawSafetensors(directory, "{\"w\":{\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16),
        ["shape is not an array"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("[2,2]", "\"2x2\""), 16),
        ["negative dimension"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("[2,2]", "[-2,-2]"), 16),
        ["three data offsets"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("[0,16]", "[0,8,16]"), 16),
        ["span ends before it begins"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("[0,16]", "[16,0]"), 16),
        ["truncated data"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor, 9),
        ["shape times dtype differs from span"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("[2,2]", "[3,2]"), 16),
        ["shape overflows"] = directory => BadInputCorpus.RawSafetensors(directory, Tensor.Replace("[2,2]", "[9223372036854775807,4]"), 16),
        ["overlapping spans"] = directory => BadInputCorpus.RawSafetensors(directory,
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"w\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[8,16]}}", 16),
        ["duplicate tensor"] = directory => BadInputCorpus.RawSafetensors(directory,
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16),
        ["metadata value not a string"] = directory => BadInputCorpus.RawSafetensors(directory,
            "{\"__metadata__\":{\"format\":7}," + Tensor[1..], 16),
    };

    public static TheoryData<string> SafetensorsCaseNames => new(SafetensorsCases.Keys);

    [Theory]
    [MemberData(nameof(SafetensorsCaseNames))]
    public void MalformedSafetensorsFilesGiveTypedErrors(string caseName)
    {
        using var temporary = new TemporaryDirectory();
        var path = SafetensorsCases[caseName](temporary.Path);

        var error = Assert.Throws<SafetensorsFormatException>(() =>
        {
            using var file = SafetensorsFile.Open(path);
        });

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        var namesTensor = caseName is "unknown dtype" or "missing dtype" or "shape is not an array" or "negative dimension" or "three data offsets"
            or "span ends before it begins" or "truncated data" or "shape times dtype differs from span" or "shape overflows" or "overlapping spans"
            or "duplicate tensor" or "entry is not an object";
        if (namesTensor)
        {
            Assert.Equal("w", error.TensorName);
        }
    }

    private static readonly Dictionary<string, (Func<TemporaryDirectory, string> Arrange, string Named)> CheckpointCases = new()
    {
        ["missing lm_head"] = (temporary => BadInputCorpus.EditedMixtral(temporary, tensors => tensors.Remove("lm_head.weight")), "lm_head.weight"),
        ["tensor shape disagrees with config"] = (temporary => BadInputCorpus.EditedMixtral(temporary,
            tensors => tensors["model.layers.1.self_attn.k_proj.weight"] = zeros(16, 32)), "model.layers.1.self_attn.k_proj.weight"),
        ["unexpected extra tensor"] = (temporary => BadInputCorpus.EditedMixtral(temporary,
            tensors => tensors["model.layers.2.mlp.gate.weight"] = zeros(4, 32)), "model.layers.2.mlp.gate.weight"),
        ["classic layout missing one expert half"] = (temporary => BadInputCorpus.EditedMixtral(temporary,
            tensors => tensors.Remove("model.layers.1.block_sparse_moe.experts.2.w3.weight"), "mixtral_classic"), "model.layers.1.block_sparse_moe.experts.2.w3.weight"),
        ["vocab_size disagrees with embeddings"] = (temporary => BadInputCorpus.EditedConfig(temporary, "vocab_size", 50), "model.embed_tokens.weight"),
        ["no weights file"] = (temporary =>
        {
            var directory = FixturePaths.AssembleCheckpoint("full_mixtral", temporary);
            File.Delete(Path.Combine(directory, CheckpointTensors.SingleFileName));
            return directory;
        }, CheckpointTensors.SingleFileName),
        ["shard index is not JSON"] = (temporary => BadInputCorpus.Shards(temporary, "{\"weight_map\": "), CheckpointTensors.IndexFileName),
        ["shard index without weight_map"] = (temporary => BadInputCorpus.Shards(temporary, "{\"metadata\": {}}"), "weight_map"),
        ["shard index lists an absent tensor"] = (temporary => BadInputCorpus.Shards(temporary,
            "{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00001.safetensors\", \"model.extra\": \"model-00001-of-00001.safetensors\"}}"), "model.extra"),
        ["shard index escapes the folder"] = (temporary => BadInputCorpus.Shards(temporary,
            "{\"weight_map\": {\"model.norm.weight\": \"../model-00001-of-00001.safetensors\"}}"), "model.norm.weight"),
        ["shard index names a missing shard"] = (temporary => BadInputCorpus.Shards(temporary,
            "{\"weight_map\": {\"model.norm.weight\": \"model-00002-of-00002.safetensors\"}}"), "model-00002-of-00002.safetensors"),
    };

    public static TheoryData<string> CheckpointCaseNames => new(CheckpointCases.Keys);

    [Theory]
    [MemberData(nameof(CheckpointCaseNames))]
    public void CheckpointsThatDisagreeWithTheirConfigGiveTypedErrors(string caseName)
    {
        using var temporary = new TemporaryDirectory();
        var (arrange, named) = CheckpointCases[caseName];
        var directory = arrange(temporary);

        var error = Assert.ThrowsAny<Exception>(() => ModelCheckpoint.Load(directory).Dispose());

        Assert.True(error is CheckpointException or SafetensorsFormatException, $"unexpected {error.GetType().Name}: {error.Message}");
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains(directory, error.Message, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, (string Field, JsonNode? Value)> ConfigCases = new()
    {
        ["unknown model_type"] = ("model_type", "gpt_oss"),
        ["missing model_type"] = ("model_type", null),
        ["hidden_size is a string"] = ("hidden_size", "32"),
        ["negative layer count"] = ("num_hidden_layers", -2),
        ["kv heads do not divide heads"] = ("num_key_value_heads", 3),
        ["more experts per token than experts"] = ("num_experts_per_tok", 5),
        ["missing expert count"] = ("num_local_experts", null),
        ["scaled rope"] = ("rope_scaling", new JsonObject { ["type"] = "yarn", ["factor"] = 4 }),
        ["non-silu activation"] = ("hidden_act", "gelu"),
        ["eos outside vocabulary"] = ("eos_token_id", 48),
        ["tie_word_embeddings not boolean"] = ("tie_word_embeddings", "yes"),
        ["zero rope theta"] = ("rope_theta", 0),
    };

    public static TheoryData<string> ConfigCaseNames => new(ConfigCases.Keys);

    [Theory]
    [MemberData(nameof(ConfigCaseNames))]
    public void InvalidConfigFieldsGiveTypedErrorsNamingTheField(string caseName)
    {
        using var temporary = new TemporaryDirectory();
        var (field, value) = ConfigCases[caseName];
        var directory = BadInputCorpus.EditedConfig(temporary, field, value);

        var error = Assert.Throws<ModelConfigException>(() => ModelCheckpoint.Load(directory).Dispose());

        Assert.Equal(field, error.Field);
        Assert.Equal(Path.Combine(directory, ModelCheckpoint.ConfigFileName), error.FilePath);
    }

    [Fact]
    public void ConfigThatIsNotJsonNamesTheFile()
    {
        using var temporary = new TemporaryDirectory();
        var directory = FixturePaths.AssembleCheckpoint("full_mixtral", temporary);
        File.WriteAllText(Path.Combine(directory, ModelCheckpoint.ConfigFileName), "{ \"model_type\": \"mixtral\", ");

        var error = Assert.Throws<ModelConfigException>(() => ModelCheckpoint.Load(directory).Dispose());

        Assert.Equal(Path.Combine(directory, ModelCheckpoint.ConfigFileName), error.FilePath);
    }

    public static TheoryData<string> RequestCaseNames => new(new[]
    {
        "id beyond vocabulary", "negative id", "empty prompt", "no prompts", "prompt plus new tokens beyond context", "zero new tokens",
        "negative temperature", "top-p of zero", "negative top-k", "stop token beyond vocabulary", "prompt longer than context",
    });

    [Theory]
    [MemberData(nameof(RequestCaseNames))]
    public void RequestsTheModelCannotServeGiveTypedErrors(string caseName)
    {
        using var temporary = new TemporaryDirectory();
        using var model = ModelCheckpoint.Load(FixturePaths.AssembleCheckpoint("full_mixtral", temporary));
        var prompt = new[] { 1, 2, 3 };
        var options = new GenerationOptions { MaxNewTokens = 4 };
        (IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions request, string field) = caseName switch
        {
            "id beyond vocabulary" => (new[] { new[] { 1, 48 } }, options, "prompts[0]"),
            "negative id" => (new[] { prompt, new[] { -1 } }, options, "prompts[1]"),
            "empty prompt" => (new[] { Array.Empty<int>() }, options, "prompts[0]"),
            "no prompts" => (Array.Empty<int[]>(), options, "prompts"),
            "prompt plus new tokens beyond context" => (new[] { prompt }, options with { MaxNewTokens = 62 }, "MaxNewTokens"),
            "zero new tokens" => (new[] { prompt }, options with { MaxNewTokens = 0 }, "MaxNewTokens"),
            "negative temperature" => (new[] { prompt }, options with { Temperature = -1 }, "Temperature"),
            "top-p of zero" => (new[] { prompt }, options with { TopP = 0 }, "TopP"),
            "negative top-k" => (new[] { prompt }, options with { TopK = -3 }, "TopK"),
            "stop token beyond vocabulary" => (new[] { prompt }, options with { StopTokenIds = new[] { 99 } }, "StopTokenIds"),
            _ => ((IReadOnlyList<IReadOnlyList<int>>)new[] { Enumerable.Repeat(1, 65).ToArray() }, options, "prompts[0]"),
        };

        var error = Assert.Throws<GenerationRequestException>(() => SequenceGenerator.Generate(model, prompts, request));

        Assert.Equal(field, error.Field);
    }
}
