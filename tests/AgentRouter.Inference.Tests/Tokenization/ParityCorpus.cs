using System.Text.Json;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Inference.Tests.Tokenization;

/// <summary>The committed corpus and the reference's golden ids (made by tools/parity/make-tokenizer-goldens.mjs).</summary>
internal static class ParityCorpus
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Tokenization", "Parity");

    public static IReadOnlyList<(string Category, string Text)> Strings { get; } = LoadStrings();

    public static IReadOnlyList<GoldenEntry> Golden(string tokenizer)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, $"{tokenizer}.golden.json")));
        return document.RootElement.GetProperty("entries").EnumerateArray().Select(entry => new GoldenEntry(
            entry.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray(),
            entry.TryGetProperty("idsWithSpecialTokens", out var special) ? special.EnumerateArray().Select(id => id.GetInt32()).ToArray() : null,
            entry.TryGetProperty("decoded", out var decoded) ? decoded.GetString() : null,
            entry.TryGetProperty("decodedSkippingSpecialTokens", out var skipped) ? skipped.GetString() : null)).ToArray();
    }

    private static readonly Dictionary<string, Lazy<HuggingFaceTokenizer>> Tokenizers = new[] { "qwen3", "llama3", "deepseek_v3", "gptoss" }
        .ToDictionary(name => name, name => new Lazy<HuggingFaceTokenizer>(() => HuggingFaceTokenizer.FromDirectory(NpmPackageCache.TokenizerFolder(name))));

    /// <summary>One loaded tokenizer per name for the whole test run (loading parses 7–27 MB of JSON).</summary>
    public static HuggingFaceTokenizer Tokenizer(string name) => Tokenizers[name].Value;

    private static List<(string, string)> LoadStrings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "corpus.json")));
        return document.RootElement.GetProperty("entries").EnumerateArray()
            .Select(entry => (entry.GetProperty("category").GetString()!, entry.GetProperty("text").GetString()!)).ToList();
    }
}

/// <summary>Absent <see cref="Decoded"/> means the reference decodes the ids back to the input exactly.</summary>
internal sealed record GoldenEntry(int[] Ids, int[]? IdsWithSpecialTokens, string? Decoded, string? DecodedSkippingSpecialTokens);
