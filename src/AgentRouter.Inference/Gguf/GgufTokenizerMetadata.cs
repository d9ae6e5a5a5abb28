using System.Text.Json;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Gguf;

/// <summary>The <c>tokenizer.ggml.*</c> metadata of an exported model, written as llama.cpp's converter writes it:
/// a byte-level BPE <c>tokenizer.json</c> becomes a "gpt2" vocabulary (tokens by id, token types, merges, special
/// ids, chat template); a checkpoint without tokenizer files gets model "none" and <c>{arch}.vocab_size</c>, which
/// llama.cpp runs from token ids alone.</summary>
public static class GgufTokenizerMetadata
{
    private const int NormalToken = 1;
    private const int ControlToken = 3;
    private const int UserDefinedToken = 4;
    private const int UnusedToken = 5;

    /// <summary>Pre-tokenizer split patterns llama.cpp knows by name (its <c>tokenizer.ggml.pre</c>).</summary>
    private static readonly Dictionary<string, string> KnownPreTokenizers = new(StringComparer.Ordinal)
    {
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "qwen2",
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "llama-bpe",
    };

    public static void Add(GgufMetadata metadata, string architecture, string directory, int vocabularySize, string? preTokenizerOverride)
    {
        var tokenizerPath = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(tokenizerPath))
        {
            metadata.Set("tokenizer.ggml.model", "none");
            metadata.Set($"{architecture}.vocab_size", (uint)vocabularySize);
            return;
        }
        using var tokenizer = Parse(tokenizerPath);
        var root = tokenizer.RootElement;
        var model = Property(root, "model", tokenizerPath);
        var modelType = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        if (modelType != "BPE")
        {
            throw new GgufFormatException(tokenizerPath, $"model.type '{modelType}' cannot be exported: only byte-level BPE tokenizers (\"BPE\") are written as a llama.cpp 'gpt2' vocabulary");
        }
        var idOfToken = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in Property(model, "vocab", tokenizerPath).EnumerateObject())
        {
            idOfToken[entry.Name] = entry.Value.GetInt32();
        }
        var special = new HashSet<int>();
        var added = new HashSet<int>();
        if (root.TryGetProperty("added_tokens", out var addedTokens))
        {
            foreach (var token in addedTokens.EnumerateArray())
            {
                var id = token.GetProperty("id").GetInt32();
                idOfToken[token.GetProperty("content").GetString()!] = id;
                added.Add(id);
                if (token.TryGetProperty("special", out var isSpecial) && isSpecial.GetBoolean())
                {
                    special.Add(id);
                }
            }
        }
        var size = Math.Max(vocabularySize, idOfToken.Count == 0 ? 0 : idOfToken.Values.Max() + 1);
        if (size > vocabularySize)
        {
            throw new GgufFormatException(tokenizerPath, $"the tokenizer has ids up to {size - 1} but config.json's vocab_size is {vocabularySize}: they do not belong to the same model");
        }
        var tokens = new string[size];
        var types = new int[size];
        foreach (var (token, id) in idOfToken)
        {
            tokens[id] = token;
            types[id] = special.Contains(id) ? ControlToken : added.Contains(id) ? UserDefinedToken : NormalToken;
        }
        for (var id = 0; id < size; id++)
        {
            if (tokens[id] is null)
            {
                tokens[id] = $"[PAD{id}]";
                types[id] = UnusedToken;
            }
        }

        metadata.Set("tokenizer.ggml.model", "gpt2");
        metadata.Set("tokenizer.ggml.pre", preTokenizerOverride ?? PreTokenizerName(root, tokenizerPath));
        metadata.Set("tokenizer.ggml.tokens", GgufValue.Of(tokens));
        metadata.Set("tokenizer.ggml.token_type", GgufValue.Of(types));
        metadata.Set("tokenizer.ggml.merges", GgufValue.Of(Merges(model, tokenizerPath)));
        AddSpecialTokens(metadata, directory, idOfToken);
    }

    private static List<string> Merges(JsonElement model, string path)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var list))
        {
            throw new GgufFormatException(path, "model.merges is missing: a BPE tokenizer needs its merges");
        }
        foreach (var merge in list.EnumerateArray())
        {
            merges.Add(merge.ValueKind == JsonValueKind.Array
                ? string.Join(' ', merge.EnumerateArray().Select(part => part.GetString()))
                : merge.GetString()!);
        }
        return merges;
    }

    private static string PreTokenizerName(JsonElement root, string path)
    {
        if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object)
        {
            foreach (var step in Steps(pre))
            {
                if (step.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex)
                    && KnownPreTokenizers.TryGetValue(regex.GetString() ?? "", out var name))
                {
                    return name;
                }
            }
        }
        throw new GgufFormatException(path, "pre_tokenizer: its split pattern is not one llama.cpp knows by name; pass --pre NAME (llama.cpp's tokenizer.ggml.pre)");
    }

    private static IEnumerable<JsonElement> Steps(JsonElement pre) =>
        pre.TryGetProperty("pretokenizers", out var steps) && steps.ValueKind == JsonValueKind.Array ? steps.EnumerateArray() : [pre];

    private static void AddSpecialTokens(GgufMetadata metadata, string directory, Dictionary<string, int> idOfToken)
    {
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(configPath))
        {
            return;
        }
        using var config = Parse(configPath);
        var root = config.RootElement;
        foreach (var (field, key) in new[] { ("bos_token", "bos_token_id"), ("eos_token", "eos_token_id"), ("pad_token", "padding_token_id"), ("unk_token", "unknown_token_id") })
        {
            if (TokenText(root, field) is { } text && idOfToken.TryGetValue(text, out var id))
            {
                metadata.Set($"tokenizer.ggml.{key}", (uint)id);
            }
        }
        metadata.Set("tokenizer.ggml.add_bos_token", root.TryGetProperty("add_bos_token", out var addBos) && addBos.ValueKind == JsonValueKind.True);
        if (root.TryGetProperty("chat_template", out var template) && template.ValueKind == JsonValueKind.String)
        {
            metadata.Set("tokenizer.chat_template", template.GetString()!);
        }
    }

    /// <summary>A special token given as a string or as an AddedToken object with <c>content</c>.</summary>
    private static string? TokenText(JsonElement root, string field) =>
        !root.TryGetProperty(field, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;

    private static JsonElement Property(JsonElement element, string name, string path) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new GgufFormatException(path, $"'{name}' is missing");

    private static JsonDocument Parse(string path)
    {
        try
        {
            return CheckedJson.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException exception)
        {
            throw new GgufFormatException(path, $"not valid JSON: {exception.Message}");
        }
    }
}
