using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Inference.Tests;

public sealed class TokenizerTests
{
    private const string TinyByteLevelBpe = """
        {"version":"1.0","model":{"type":"BPE","unk_token":"<unk>","vocab":{"h":0,"e":1,"l":2,"o":3,"Ġ":4,"w":5,"r":6,"d":7,"he":8,"ll":9,"hell":10,"hello":11,"Ġw":12,"<|endoftext|>":13,"<unk>":14},
         "merges":["h e","l l","he ll",["hell","o"],"Ġ w"]},
         "added_tokens":[{"id":13,"content":"<|endoftext|>","special":true}],
         "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},
         "decoder":{"type":"ByteLevel"}}
        """;

    [Fact]
    public void ByteLevelTokenizerRoundTripsAnyText()
    {
        var tokenizer = new ByteLevelTokenizer();
        const string text = "routing → naïve 🙂";

        var ids = tokenizer.Encode(text);

        Assert.All(ids, id => Assert.InRange(id, 0, 255));
        Assert.Equal(text, tokenizer.Decode(ids.Append(ByteLevelTokenizer.EndOfSequenceId)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode(new[] { ByteLevelTokenizer.VocabularySize }));
    }

    [Fact]
    public void TokenizerJsonByteLevelBpeLoadsAsAHuggingFaceTokenizer()
    {
        using var temporary = new TemporaryDirectory();
        File.WriteAllText(temporary.Combine("tokenizer.json"), TinyByteLevelBpe);

        var tokenizer = TokenizerLoader.TryLoad(temporary.Path, TinyConfigs.For(ModelArchitecture.Qwen2Moe));

        Assert.IsType<HuggingFaceTokenizer>(tokenizer);
        var ids = tokenizer!.Encode("hello world<|endoftext|>");
        Assert.Equal(new[] { 11, 12, 3, 6, 2, 7, 13 }, ids);
        Assert.Equal("hello world<|endoftext|>", tokenizer.Decode(ids));
        Assert.Equal("hello world", tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void WithoutTokenizerFilesTheByteTokenizerServesLargeVocabulariesOnly()
    {
        using var temporary = new TemporaryDirectory();
        var small = TinyConfigs.For(ModelArchitecture.Mixtral);

        Assert.Null(TokenizerLoader.TryLoad(temporary.Path, small));
        Assert.IsType<ByteLevelTokenizer>(TokenizerLoader.TryLoad(temporary.Path, small with { VocabSize = 300 }));
    }

    [Theory]
    [InlineData("tokenizer.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}")]
    [InlineData("tokenizer.json", "{\"model\": ")]
    [InlineData("tokenizer.model", "not a protobuf")]
    public void BrokenTokenizerFilesGiveTypedErrorsNamingTheFile(string fileName, string content)
    {
        using var temporary = new TemporaryDirectory();
        File.WriteAllText(temporary.Combine(fileName), content);

        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.TryLoad(temporary.Path, TinyConfigs.For(ModelArchitecture.Mixtral)));

        Assert.Equal(temporary.Combine(fileName), error.FilePath);
    }
}
