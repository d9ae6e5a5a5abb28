using System.Text;

namespace AgentRouter.Inference.Tests.Tokenization;

/// <summary>
/// Done-when "Tokenizer parity": the C# tokenizer gives the reference's ids for every string of the ≥ 500-string
/// corpus, for each of the four real tokenizers, and decodes them to the reference's text.
/// </summary>
public sealed class TokenizerParityTests
{
    public static TheoryData<string> Names => new() { "qwen3", "llama3", "deepseek_v3", "gptoss" };

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodesEveryCorpusStringToTheReferenceIds(string name)
    {
        var tokenizer = ParityCorpus.Tokenizer(name);
        var golden = ParityCorpus.Golden(name);
        var strings = ParityCorpus.Strings;
        Assert.True(strings.Count >= 500, $"corpus has {strings.Count} strings");
        Assert.Equal(strings.Count, golden.Count);

        var mismatches = new List<string>();
        for (var index = 0; index < strings.Count; index++)
        {
            var actual = tokenizer.Encode(strings[index].Text);
            if (!actual.SequenceEqual(golden[index].Ids))
            {
                mismatches.Add(Describe(index, golden[index].Ids, actual));
            }
            var withSpecial = tokenizer.Encode(strings[index].Text, addSpecialTokens: true);
            if (!withSpecial.SequenceEqual(golden[index].IdsWithSpecialTokens ?? golden[index].Ids))
            {
                mismatches.Add($"add_special_tokens: {Describe(index, golden[index].IdsWithSpecialTokens ?? golden[index].Ids, withSpecial)}");
            }
        }
        Assert.True(mismatches.Count == 0, $"{name}: {mismatches.Count} of {strings.Count} differ from the reference:\n{string.Join('\n', mismatches.Take(10))}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodesTheReferenceIdsToTheReferenceText(string name)
    {
        var tokenizer = ParityCorpus.Tokenizer(name);
        var golden = ParityCorpus.Golden(name);
        var strings = ParityCorpus.Strings;
        var mismatches = new List<int>();
        var roundTrips = 0;
        for (var index = 0; index < strings.Count; index++)
        {
            var expected = golden[index].Decoded ?? strings[index].Text;
            roundTrips += golden[index].Decoded is null ? 1 : 0;
            if (tokenizer.Decode(golden[index].Ids) != expected
                || tokenizer.Decode(golden[index].Ids, skipSpecialTokens: true) != (golden[index].DecodedSkippingSpecialTokens ?? expected))
            {
                mismatches.Add(index);
            }
        }
        Assert.True(roundTrips > strings.Count * 9 / 10, $"{name}: only {roundTrips} strings round-trip in the reference");
        Assert.True(mismatches.Count == 0, $"{name}: decoding differs for corpus strings {string.Join(", ", mismatches.Take(20))}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void StreamingDecodeReleasesWholeCharactersAndConcatenatesToTheFullDecode(string name)
    {
        var tokenizer = ParityCorpus.Tokenizer(name);
        var golden = ParityCorpus.Golden(name);
        for (var index = 0; index < golden.Count; index++)
        {
            var streaming = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: false);
            var text = new StringBuilder();
            foreach (var id in golden[index].Ids)
            {
                var piece = streaming.Append(id);
                Assert.False(piece.Length > 0 && char.IsHighSurrogate(piece[^1]), $"corpus string {index}: a piece ends inside a surrogate pair");
                Assert.DoesNotContain('\uFFFD', piece);
                text.Append(piece);
            }
            text.Append(streaming.Flush());
            // Streaming never cleans up spaces before punctuation, so strings the reference changes that way are skipped.
            if (golden[index].Decoded is null || !tokenizer.Config.CleanUpTokenizationSpaces)
            {
                Assert.Equal(golden[index].Decoded ?? ParityCorpus.Strings[index].Text, text.ToString());
            }
        }
    }

    private static string Describe(int index, IReadOnlyList<int> expected, IReadOnlyList<int> actual)
    {
        var text = ParityCorpus.Strings[index].Text;
        var preview = text.Length > 60 ? text[..60] + "…" : text;
        return $"  [{index}] {ParityCorpus.Strings[index].Category} \"{preview.ReplaceLineEndings("⏎")}\": expected [{string.Join(',', expected.Take(24))}] got [{string.Join(',', actual.Take(24))}]";
    }
}
