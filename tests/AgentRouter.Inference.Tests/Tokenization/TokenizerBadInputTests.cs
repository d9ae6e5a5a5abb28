using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Inference.Tests.Tokenization;

/// <summary>Broken or unsupported tokenizer files and out-of-range ids give errors naming the file, field or id.</summary>
public sealed class TokenizerBadInputTests
{
    private const string Vocabulary = """{"a":0,"b":1,"ab":2,"Ġ":3}""";

    private static string TokenizerJson(string model, string extra = "") =>
        "{\"model\":" + model + ",\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"use_regex\":true},\"decoder\":{\"type\":\"ByteLevel\"}" + extra + "}";

    private static TokenizerLoadException LoadFails(string tokenizerJson)
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.Combine("tokenizer.json"), tokenizerJson);
        var error = Assert.Throws<TokenizerLoadException>(() => HuggingFaceTokenizer.FromDirectory(folder.Path));
        Assert.Equal(folder.Combine("tokenizer.json"), error.FilePath);
        return error;
    }

    [Fact]
    public void An_unknown_model_type_is_named()
    {
        Assert.Contains("model.type 'Unigram' is not supported", LoadFails(TokenizerJson("{\"type\":\"Unigram\",\"vocab\":[]}")).Message);
    }

    [Fact]
    public void Missing_merges_are_named()
    {
        Assert.Contains("model.merges is missing", LoadFails(TokenizerJson("{\"type\":\"BPE\",\"vocab\":" + Vocabulary + "}")).Message);
    }

    [Fact]
    public void A_merge_of_tokens_outside_the_vocabulary_is_named_with_its_index()
    {
        var error = LoadFails(TokenizerJson("{\"type\":\"BPE\",\"vocab\":" + Vocabulary + ",\"merges\":[\"a b\",\"b c\"]}"));
        Assert.Contains("model.merges[1] ('b' + 'c')", error.Message);
    }

    [Fact]
    public void Unsupported_pipeline_parts_are_named()
    {
        var model = "{\"type\":\"BPE\",\"vocab\":" + Vocabulary + ",\"merges\":[\"a b\"]}";
        Assert.Contains("pre_tokenizer type 'Metaspace'", LoadFails("{\"model\":" + model + ",\"pre_tokenizer\":{\"type\":\"Metaspace\"},\"decoder\":{\"type\":\"ByteLevel\"}}").Message);
        Assert.Contains("normalizer type 'NFKC'", LoadFails(TokenizerJson(model, ",\"normalizer\":{\"type\":\"NFKC\"}")).Message);
        Assert.Contains("model.byte_fallback", LoadFails(TokenizerJson("{\"type\":\"BPE\",\"byte_fallback\":true,\"vocab\":" + Vocabulary + ",\"merges\":[]}")).Message);
        Assert.Contains("not valid JSON", LoadFails("{\"model\": [").Message);
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_refused_when_decoding()
    {
        var tokenizer = ParityCorpus.Tokenizer("qwen3");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([9707, tokenizer.VocabularySize]));
        Assert.Contains($"token id {tokenizer.VocabularySize} is outside the vocabulary", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.CreateStreamingDetokenizer().Append(int.MaxValue));
    }

    [Fact]
    public void A_config_vocabulary_smaller_than_the_tokenizer_is_a_mismatch()
    {
        var tokenizer = ParityCorpus.Tokenizer("qwen3");
        tokenizer.EnsureFitsModel(151936, "config.json"); // Qwen3's padded embedding holds all 151669 ids
        var error = Assert.Throws<TokenizerLoadException>(() => tokenizer.EnsureFitsModel(151000, "/m/config.json"));
        Assert.Equal("/m/config.json", error.FilePath);
        Assert.Contains("vocab_size 151000 is smaller than the tokenizer's vocabulary (151669 ids", error.Message);

        using var folder = new TemporaryDirectory();
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(NpmPackageCache.TokenizerFolder("qwen3"), file), folder.Combine(file));
        }
        var small = TinyConfigs.For(ModelArchitecture.Qwen2Moe);
        Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.TryLoad(folder.Path, small));
        Assert.IsType<HuggingFaceTokenizer>(TokenizerLoader.TryLoad(folder.Path, small with { VocabSize = 151936 }));
    }

    [Fact]
    public void Special_tokens_come_from_the_config_and_text_naming_them_maps_to_their_ids()
    {
        var tokenizer = ParityCorpus.Tokenizer("qwen3");
        Assert.Equal(new SpecialToken("<|im_end|>", 151645), tokenizer.EosToken);
        Assert.Null(tokenizer.BosToken);
        Assert.Equal(151643, tokenizer.PadToken?.Id);
        Assert.Equal([151644, 872], tokenizer.Encode("<|im_start|>user"));
        Assert.True(tokenizer.IsSpecial(151645));
        Assert.False(tokenizer.IsSpecial(151667)); // <think> is an added token, not a special one
        Assert.Equal("<think>", tokenizer.Decode([151667], skipSpecialTokens: true));

        var deepSeek = ParityCorpus.Tokenizer("deepseek_v3");
        Assert.Equal(new SpecialToken("<｜begin▁of▁sentence｜>", 0), deepSeek.BosToken);
        Assert.Equal(1, deepSeek.EndOfSequenceId);
    }
}
