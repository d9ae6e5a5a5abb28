using AgentRouter.Core.IO;
using System.Text.Json;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// The parts of a checkpoint's <c>tokenizer_config.json</c> that tokenizing and chat rendering need. Special
/// tokens may be written as a string or as an <c>AddedToken</c> object (<c>{"__type": "AddedToken", "content": …}</c>).
/// </summary>
public sealed record TokenizerConfigFile
{
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
    public string? UnkToken { get; init; }
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];
    /// <summary>The default chat template (a named set keeps its <c>default</c> entry).</summary>
    public string? ChatTemplate { get; init; }
    /// <summary>Every named template when the file holds a list of <c>{name, template}</c>.</summary>
    public IReadOnlyDictionary<string, string> NamedChatTemplates { get; init; } = new Dictionary<string, string>();
    /// <summary>Whether decoding removes spaces before punctuation (" ." → "."); absent means true, as in the reference.</summary>
    public bool CleanUpTokenizationSpaces { get; init; } = true;
    public string? TokenizerClass { get; init; }
    public double? ModelMaxLength { get; init; }

    public static TokenizerConfigFile Empty { get; } = new();

    public static TokenizerConfigFile Load(string path)
    {
        try
        {
            using var document = CheckedJson.Parse(InputFiles.ReadAllText(path));
            return Parse(document.RootElement, path);
        }
        catch (InputFileException exception)
        {
            throw new TokenizerLoadException(path, exception.Problem);
        }
        catch (JsonException exception)
        {
            throw new TokenizerLoadException(path, $"not valid JSON: {exception.Message}");
        }
    }

    internal static TokenizerConfigFile Parse(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException(path, "expected a JSON object");
        }
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        string? template = null;
        if (root.TryGetProperty("chat_template", out var templateElement))
        {
            switch (templateElement.ValueKind)
            {
                case JsonValueKind.String:
                    template = templateElement.GetString();
                    break;
                case JsonValueKind.Array:
                    foreach (var entry in templateElement.EnumerateArray())
                    {
                        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                            || !entry.TryGetProperty("template", out var body) || body.ValueKind != JsonValueKind.String)
                        {
                            throw new TokenizerLoadException(path, "chat_template: a list entry needs string fields 'name' and 'template'");
                        }
                        named[name.GetString()!] = body.GetString()!;
                    }
                    template = named.GetValueOrDefault("default");
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    throw new TokenizerLoadException(path, $"chat_template: expected a string or a list, found {templateElement.ValueKind}");
            }
        }
        return new TokenizerConfigFile
        {
            BosToken = TokenText(root, "bos_token", path),
            EosToken = TokenText(root, "eos_token", path),
            PadToken = TokenText(root, "pad_token", path),
            UnkToken = TokenText(root, "unk_token", path),
            AdditionalSpecialTokens = root.TryGetProperty("additional_special_tokens", out var additional) && additional.ValueKind == JsonValueKind.Array
                ? additional.EnumerateArray().Select(item => ElementText(item, path, "additional_special_tokens")).OfType<string>().ToArray()
                : [],
            ChatTemplate = template,
            NamedChatTemplates = named,
            CleanUpTokenizationSpaces = !root.TryGetProperty("clean_up_tokenization_spaces", out var cleanUp) || cleanUp.ValueKind != JsonValueKind.False,
            TokenizerClass = root.TryGetProperty("tokenizer_class", out var tokenizerClass) && tokenizerClass.ValueKind == JsonValueKind.String ? tokenizerClass.GetString() : null,
            ModelMaxLength = root.TryGetProperty("model_max_length", out var maxLength) && maxLength.ValueKind == JsonValueKind.Number ? maxLength.GetDouble() : null,
        };
    }

    private static string? TokenText(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var element) ? ElementText(element, path, field) : null;

    private static string? ElementText(JsonElement element, string path, string field) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null => null,
        JsonValueKind.Object when element.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
        _ => throw new TokenizerLoadException(path, $"{field}: expected a string or an AddedToken object with 'content'"),
    };
}
