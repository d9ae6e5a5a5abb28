using AgentRouter.Core.IO;
using System.Text.Json;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>One entry of tokenizer.json's <c>added_tokens</c>.</summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool LeftStrip, bool RightStrip);

/// <summary>The parsed pipeline of a tokenizer.json; every unsupported part is refused by name.</summary>
internal sealed record TokenizerJsonModel(
    Dictionary<string, int> Vocabulary,
    Dictionary<long, (int Rank, int MergedId)> Merges,
    bool IgnoreMerges,
    string? UnknownToken,
    IReadOnlyList<AddedToken> AddedTokens,
    bool NormalizeNfc,
    IPreTokenizer? PreTokenizer,
    bool ByteLevelDecoder,
    IReadOnlyList<TemplatePiece> SingleTemplate);

/// <summary>A piece of a TemplateProcessing post-processor: either the sequence itself or special-token ids.</summary>
internal sealed record TemplatePiece(bool IsSequence, IReadOnlyList<int> Ids);

internal static class TokenizerJsonReader
{
    public static TokenizerJsonModel Read(string path)
    {
        JsonDocument document;
        try
        {
            document = CheckedJson.Parse(InputFiles.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (InputFileException exception)
        {
            throw new TokenizerLoadException(path, exception.Problem);
        }
        catch (JsonException exception)
        {
            throw new TokenizerLoadException(path, $"not valid JSON: {exception.Message}");
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement, path);
            }
            catch (Exception exception) when (exception is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
            {
                throw new TokenizerLoadException(path, $"malformed field: {exception.Message}");
            }
        }
    }

    private static TokenizerJsonModel Read(JsonElement root, string path)
    {
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException(path, "no 'model' object");
        }
        var type = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        if (type != "BPE")
        {
            throw new TokenizerLoadException(path, $"model.type '{type ?? "(missing)"}' is not supported (only byte-level BPE; SentencePiece comes from tokenizer.model)");
        }
        foreach (var (field, allowed) in new[] { ("continuing_subword_prefix", ""), ("end_of_word_suffix", "") })
        {
            if (model.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() != allowed)
            {
                throw new TokenizerLoadException(path, $"model.{field} '{value.GetString()}' is not supported");
            }
        }
        if (model.TryGetProperty("byte_fallback", out var byteFallback) && byteFallback.ValueKind == JsonValueKind.True)
        {
            throw new TokenizerLoadException(path, "model.byte_fallback is not supported (SentencePiece-style BPE)");
        }
        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException(path, "model.vocab is missing");
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.GetInt32();
        }
        if (!model.TryGetProperty("merges", out var mergesElement) || mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerLoadException(path, "model.merges is missing: a BPE tokenizer needs its merge list");
        }
        var modelVocabulary = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        var addedTokens = ReadAddedTokens(root, path);
        foreach (var added in addedTokens)
        {
            vocabulary[added.Content] = added.Id; // the reference lets added tokens take precedence
        }
        var merges = new Dictionary<long, (int, int)>(mergesElement.GetArrayLength());
        var rank = 0;
        foreach (var merge in mergesElement.EnumerateArray())
        {
            string left, right;
            if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
            {
                left = merge[0].GetString()!;
                right = merge[1].GetString()!;
            }
            else if (merge.ValueKind == JsonValueKind.String && merge.GetString()!.Split(' ') is [var first, var second])
            {
                left = first;
                right = second;
            }
            else
            {
                throw new TokenizerLoadException(path, $"model.merges[{rank}]: expected \"left right\" or [left, right], found {merge.GetRawText()}");
            }
            if (!modelVocabulary.TryGetValue(left, out var leftId) || !modelVocabulary.TryGetValue(right, out var rightId)
                || !vocabulary.TryGetValue(left + right, out var mergedId))
            {
                throw new TokenizerLoadException(path, $"model.merges[{rank}] ('{left}' + '{right}') names a token missing from model.vocab");
            }
            merges[BytePairModel.PairKey(leftId, rightId)] = (rank, mergedId); // a repeated pair keeps its last rank, as the reference does
            rank++;
        }
        var unknown = model.TryGetProperty("unk_token", out var unknownElement) && unknownElement.ValueKind == JsonValueKind.String ? unknownElement.GetString() : null;
        var normalizerStep = ReadNormalizer(root.TryGetProperty("normalizer", out var normalizer) ? normalizer : default, path);
        var preTokenizerStep = ReadPreTokenizer(root.TryGetProperty("pre_tokenizer", out var preTokenizer) ? preTokenizer : default, path, "pre_tokenizer");
        var byteLevelDecoder = ReadDecoder(root.TryGetProperty("decoder", out var decoder) ? decoder : default, path);
        var postProcessorPieces = ReadPostProcessor(root.TryGetProperty("post_processor", out var postProcessor) ? postProcessor : default, path, vocabulary);
        CheckEveryTextEncodes(preTokenizerStep, modelVocabulary, unknown is not null && vocabulary.ContainsKey(unknown), path);
        return new TokenizerJsonModel(
            vocabulary,
            merges,
            model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True,
            unknown,
            addedTokens,
            normalizerStep,
            preTokenizerStep,
            byteLevelDecoder,
            postProcessorPieces);
    }

    /// <summary>Byte-level BPE encodes any text only when the pre-tokenizer maps it onto the 256-symbol byte alphabet
    /// and the vocabulary holds every symbol of it (or an unk_token stands in). Checked here so that a broken file is
    /// a load error naming it, rather than an agent that starts and then fails every request (issue 16, found by
    /// the tokenizer.json fuzz test).</summary>
    private static void CheckEveryTextEncodes(IPreTokenizer? preTokenizer, Dictionary<string, int> modelVocabulary, bool hasUnknownToken, string path)
    {
        if (!IsByteLevel(preTokenizer))
        {
            throw new TokenizerLoadException(path, "pre_tokenizer has no ByteLevel step: only byte-level BPE is supported (text would not map onto the vocabulary's byte alphabet)");
        }
        if (hasUnknownToken)
        {
            return;
        }
        for (var value = 0; value < 256; value++)
        {
            var symbol = ByteLevelAlphabet.ToChar((byte)value).ToString();
            if (!modelVocabulary.ContainsKey(symbol))
            {
                throw new TokenizerLoadException(path, $"model.vocab lacks the byte-level symbol '{symbol}' (byte 0x{value:X2}) and no unk_token is defined: text holding that byte could not be encoded");
            }
        }
    }

    private static bool IsByteLevel(IPreTokenizer? preTokenizer) => preTokenizer switch
    {
        ByteLevelPreTokenizer => true,
        SequencePreTokenizer sequence => sequence.Steps.Any(IsByteLevel),
        _ => false,
    };

    private static List<AddedToken> ReadAddedTokens(JsonElement root, string path)
    {
        var result = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind != JsonValueKind.Array)
        {
            return result;
        }
        foreach (var token in added.EnumerateArray())
        {
            if (!token.TryGetProperty("id", out var id) || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerLoadException(path, $"added_tokens[{result.Count}]: needs 'id' and 'content'");
            }
            result.Add(new AddedToken(id.GetInt32(), content.GetString()!, Flag(token, "special"), Flag(token, "lstrip"), Flag(token, "rstrip")));
        }
        return result;
    }

    private static bool Flag(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) ? type.GetString() : null;

    private static bool ReadNormalizer(JsonElement element, string path)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return false;
        }
        switch (TypeOf(element))
        {
            case "NFC":
                return true;
            case "Sequence":
                var nfc = false;
                foreach (var step in element.GetProperty("normalizers").EnumerateArray())
                {
                    nfc |= ReadNormalizer(step, path);
                }
                return nfc;
            default:
                throw new TokenizerLoadException(path, $"normalizer type '{TypeOf(element)}' is not supported (supported: NFC, Sequence)");
        }
    }

    private static IPreTokenizer? ReadPreTokenizer(JsonElement element, string path, string where)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }
        switch (TypeOf(element))
        {
            case "Sequence":
                var steps = new List<IPreTokenizer>();
                var index = 0;
                foreach (var step in element.GetProperty("pretokenizers").EnumerateArray())
                {
                    steps.Add(ReadPreTokenizer(step, path, $"{where}.pretokenizers[{index++}]")!);
                }
                return new SequencePreTokenizer(steps);
            case "ByteLevel":
                return new ByteLevelPreTokenizer(Flag(element, "add_prefix_space"),
                    !element.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind != JsonValueKind.False);
            case "Split":
                var pattern = element.GetProperty("pattern");
                CodePointRegex regex;
                if (pattern.TryGetProperty("Regex", out var regexText))
                {
                    try
                    {
                        regex = new CodePointRegex(regexText.GetString()!);
                    }
                    catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
                    {
                        throw new TokenizerLoadException(path, $"{where}.pattern.Regex is not supported: {exception.Message}");
                    }
                }
                else if (pattern.TryGetProperty("String", out var literal))
                {
                    regex = new CodePointRegex(System.Text.RegularExpressions.Regex.Escape(literal.GetString()!));
                }
                else
                {
                    throw new TokenizerLoadException(path, $"{where}.pattern: expected 'Regex' or 'String'");
                }
                var behavior = element.TryGetProperty("behavior", out var behaviorElement) ? behaviorElement.GetString() : "Isolated";
                var splitBehavior = behavior?.ToLowerInvariant() switch
                {
                    "isolated" => SplitBehavior.Isolated,
                    "removed" => SplitBehavior.Removed,
                    _ => throw new TokenizerLoadException(path, $"{where}.behavior '{behavior}' is not supported (supported: Isolated, Removed)"),
                };
                return new SplitPreTokenizer(regex, splitBehavior, Flag(element, "invert"));
            default:
                throw new TokenizerLoadException(path, $"{where} type '{TypeOf(element)}' is not supported (supported: Sequence, Split, ByteLevel)");
        }
    }

    private static bool ReadDecoder(JsonElement element, string path)
    {
        var type = TypeOf(element);
        return type switch
        {
            "ByteLevel" => true,
            _ => throw new TokenizerLoadException(path, $"decoder type '{type ?? "(none)"}' is not supported (supported: ByteLevel)"),
        };
    }

    private static IReadOnlyList<TemplatePiece> ReadPostProcessor(JsonElement element, string path, Dictionary<string, int> vocabulary)
    {
        var sequenceOnly = new[] { new TemplatePiece(true, []) };
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return sequenceOnly;
        }
        switch (TypeOf(element))
        {
            case "ByteLevel":
                return sequenceOnly;
            case "Sequence":
                var template = (IReadOnlyList<TemplatePiece>)sequenceOnly;
                foreach (var step in element.GetProperty("processors").EnumerateArray())
                {
                    if (TypeOf(step) != "ByteLevel")
                    {
                        template = ReadPostProcessor(step, path, vocabulary);
                    }
                }
                return template;
            case "TemplateProcessing":
                var pieces = new List<TemplatePiece>();
                var specials = element.GetProperty("special_tokens");
                foreach (var piece in element.GetProperty("single").EnumerateArray())
                {
                    if (piece.TryGetProperty("Sequence", out _))
                    {
                        pieces.Add(new TemplatePiece(true, []));
                    }
                    else if (piece.TryGetProperty("SpecialToken", out var special))
                    {
                        var name = special.GetProperty("id").GetString()!;
                        var ids = specials.TryGetProperty(name, out var entry)
                            ? entry.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray()
                            : vocabulary.TryGetValue(name, out var id) ? [id]
                            : throw new TokenizerLoadException(path, $"post_processor: special token '{name}' is not defined");
                        pieces.Add(new TemplatePiece(false, ids));
                    }
                }
                return pieces;
            default:
                throw new TokenizerLoadException(path, $"post_processor type '{TypeOf(element)}' is not supported (supported: ByteLevel, TemplateProcessing, Sequence)");
        }
    }
}
