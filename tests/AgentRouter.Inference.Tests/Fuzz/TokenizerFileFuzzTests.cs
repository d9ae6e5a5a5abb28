using System.Text.Json;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;
using AgentRouter.Tests.Fuzzing;
using Xunit.Abstractions;

namespace AgentRouter.Inference.Tests.Fuzz;

/// <summary>Issue 16 point 4 for tokenizer files: mutants of a valid <c>tokenizer.json</c> and
/// <c>tokenizer_config.json</c> either load, and then encode and decode a fixed text, or give a
/// <see cref="TokenizerLoadException"/> naming the file — never another exception, never a hang.</summary>
public sealed class TokenizerFileFuzzTests(ITestOutputHelper output)
{
    private const string Sample = "ab a<s>cab é\n";

    /// <summary>A real byte-level vocabulary: all 256 byte symbols, two merged tokens, then the added <c>&lt;s&gt;</c>.</summary>
    private static readonly string Vocabulary = JsonSerializer.Serialize(
        Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ToChar((byte)b).ToString()).Append("ab").Append("Ġa")
            .Select((token, id) => (token, id)).ToDictionary(entry => entry.token, entry => entry.id));

    private static readonly string Model = """{"type":"BPE","vocab":""" + Vocabulary + ""","merges":["a b","Ġ a"]}""";

    private static readonly string[] TokenizerJsons =
    [
        """{"version":"1.0","model":""" + Model + ""","pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},"decoder":{"type":"ByteLevel"},"added_tokens":[{"id":258,"content":"<s>","special":true}]}""",
        """{"model":""" + Model + ""","normalizer":{"type":"NFC"},"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\s+"},"behavior":"Isolated"},{"type":"ByteLevel","use_regex":false}]},"decoder":{"type":"ByteLevel"},"post_processor":{"type":"ByteLevel"}}""",
        """{"model":{"type":"BPE","vocab":""" + Vocabulary + ""","merges":[["a","b"]]},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"},"added_tokens":[{"id":258,"content":"<s>","special":true}],"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{"<s>":{"id":"<s>","ids":[258],"tokens":["<s>"]}}}}""",
        """{"model":{"type":"BPE","unk_token":"<unk>","vocab":{"<unk>":0,"a":1,"b":2,"ab":3,"Ġ":4},"merges":["a b"]},"pre_tokenizer":{"type":"ByteLevel"},"decoder":{"type":"ByteLevel"}}""",
    ];

    private static readonly string[] TokenizerConfigs =
    [
        """{"bos_token":"<s>","eos_token":{"content":"<s>","special":true},"add_bos_token":true,"chat_template":"{% for m in messages %}{{ m.content }}{% endfor %}","model_max_length":256}""",
        """{"eos_token":"<s>","chat_template":[{"name":"default","template":"{{ messages[0].content }}"}],"added_tokens_decoder":{"258":{"content":"<s>","special":true}}}""",
    ];

    [Fact]
    public async Task Tokenizer_json_loads_and_round_trips_or_throws_TokenizerLoadException()
    {
        using var folder = new TemporaryDirectory();
        var tokenizerPath = folder.Combine(HuggingFaceTokenizer.TokenizerFileName);
        var report = await FuzzRunner.RunAsync(
            "tokenizer.json",
            random => JsonMutator.Mutate(TokenizerJsons, random),
            fuzzCase =>
            {
                File.WriteAllBytes(tokenizerPath, fuzzCase.Bytes);
                Use(HuggingFaceTokenizer.FromFiles(tokenizerPath, null));
            },
            Refusal);
        Finish(report);
    }

    [Fact]
    public async Task Tokenizer_config_json_loads_or_throws_TokenizerLoadException()
    {
        using var folder = new TemporaryDirectory();
        var tokenizerPath = folder.Combine(HuggingFaceTokenizer.TokenizerFileName);
        var configPath = folder.Combine(HuggingFaceTokenizer.ConfigFileName);
        File.WriteAllText(tokenizerPath, TokenizerJsons[0]);
        var report = await FuzzRunner.RunAsync(
            "tokenizer_config.json",
            random => JsonMutator.Mutate(TokenizerConfigs, random),
            fuzzCase =>
            {
                File.WriteAllBytes(configPath, fuzzCase.Bytes);
                Use(HuggingFaceTokenizer.FromFiles(tokenizerPath, configPath));
            },
            Refusal);
        Finish(report);
    }

    /// <summary>A tokenizer that loads must also work: encode a text with a special token, decode the ids back.</summary>
    private static void Use(HuggingFaceTokenizer tokenizer)
    {
        var ids = tokenizer.Encode(Sample, addSpecialTokens: true);
        _ = tokenizer.Decode(ids);
    }

    private static string? Refusal(Exception error) => error is TokenizerLoadException ? nameof(TokenizerLoadException) : null;

    private void Finish(FuzzReport report)
    {
        output.WriteLine(report.Summary);
        report.AssertNoFailures();
    }
}
