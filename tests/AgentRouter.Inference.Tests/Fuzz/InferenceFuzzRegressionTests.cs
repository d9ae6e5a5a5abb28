using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Inference.Tests.Fuzz;

/// <summary>Inputs the checkpoint and tokenizer fuzz tests found crashing a reader, or accepted although every later
/// use would fail, kept as fixed cases.</summary>
public sealed class InferenceFuzzRegressionTests
{
    [Theory]
    [InlineData("[]")]
    [InlineData("\"F32\"")]
    [InlineData("-0.0")]
    public void An_index_whose_root_is_not_an_object_is_a_CheckpointException(string index)
    {
        // Was InvalidOperationException from JsonElement.TryGetProperty.
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine(CheckpointTensors.IndexFileName), index);
        var error = Assert.Throws<CheckpointException>(() => CheckpointTensors.Open(folder.Path));
        Assert.Contains("weight_map", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\\u0000")]
    [InlineData("a\\u0000.safetensors")]
    [InlineData("../model.safetensors")]
    public void A_shard_name_that_is_not_a_plain_file_name_is_a_CheckpointException(string escapedShard)
    {
        // "\u0000" was an ArgumentException ("Null character in path") from opening the shard.
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine(CheckpointTensors.IndexFileName), "{\"weight_map\":{\"a\":\"" + escapedShard + "\"}}");
        var error = Assert.Throws<CheckpointException>(() => CheckpointTensors.Open(folder.Path));
        Assert.Contains("is not a file name in the folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_safetensors_header_with_a_lone_surrogate_name_is_a_SafetensorsFormatException()
    {
        using var folder = new TemporaryDirectory();
        var path = BadInputCorpus.RawSafetensors(folder.Path, """{"\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4);
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
    }

    [Theory]
    [InlineData("""{"model_type":"mixtral","\udc00":1}""")]
    [InlineData("""{"model_type":"mixtral","vocab_size":48,"vocab_size":49}""")]
    public void A_config_with_a_lone_surrogate_or_a_duplicate_key_is_a_ModelConfigException(string json) =>
        Assert.Throws<ModelConfigException>(() => MoeModelConfig.Parse(json, "config.json"));

    [Fact]
    public void A_vocabulary_without_the_byte_alphabet_and_no_unk_token_is_a_load_error()
    {
        // Loaded before, then every Encode of text holding '<' threw InvalidOperationException.
        var error = LoadFails("""{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġ":3},"merges":["a b"]},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"}}""");
        Assert.Contains("lacks the byte-level symbol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pre_tokenizer_without_a_ByteLevel_step_is_a_load_error()
    {
        var error = LoadFails("""{"model":{"type":"BPE","unk_token":"a","vocab":{"a":0},"merges":[]},"decoder":{"type":"ByteLevel"}}""");
        Assert.Contains("no ByteLevel step", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unk_token_stands_in_for_a_missing_byte_symbol()
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine("tokenizer.json"), """{"model":{"type":"BPE","unk_token":"<unk>","vocab":{"<unk>":0,"a":1},"merges":[]},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"}}""");
        var tokenizer = HuggingFaceTokenizer.FromDirectory(folder.Path);
        Assert.Equal([1, 0, 1], tokenizer.Encode("a<a"));
    }

    [Theory]
    [InlineData(2147483647)]
    [InlineData(1_000_000_000)]
    public void A_vocabulary_id_beyond_the_ceiling_is_a_load_error_before_any_table_is_allocated(int id)
    {
        // 2^31 - 1 was an OverflowException sizing the id table.
        var error = LoadFails("""{"model":{"type":"BPE","unk_token":"<unk>","vocab":{"<unk>":0,"x":""" + id + """},"merges":[]},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"}}""");
        Assert.Contains($"has id {id}", error.Message, StringComparison.Ordinal);
    }

    private static TokenizerLoadException LoadFails(string tokenizerJson)
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine("tokenizer.json"), tokenizerJson);
        return Assert.Throws<TokenizerLoadException>(() => HuggingFaceTokenizer.FromDirectory(folder.Path));
    }
}
