using System.Text.Json;
using AgentRouter.Core.IO;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Configuration;

/// <summary>
/// A checkpoint's <c>generation_config.json</c>: the eos ids generation stops on (chat checkpoints list the turn-end token
/// there, e.g. Qwen's &lt;|im_end|&gt;, often not in config.json) and the sampling defaults. A missing file is empty.
/// </summary>
public sealed record GenerationConfigFile
{
    public const string FileName = "generation_config.json";

    public static GenerationConfigFile Empty { get; } = new();

    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public bool? DoSample { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    /// <exception cref="ModelConfigException">The file is not JSON or a field has the wrong type; names the field.</exception>
    public static GenerationConfigFile Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!InputFiles.IsPresent(path))
        {
            return Empty;
        }
        string text;
        try
        {
            text = InputFiles.ReadAllText(path);
        }
        catch (InputFileException error)
        {
            throw new ModelConfigException(path, "(file)", error.Problem);
        }
        JsonDocument document;
        try
        {
            document = CheckedJson.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new ModelConfigException(path, "(file)", $"not valid JSON: {exception.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(path, "(file)", "not a JSON object");
            }
            return new GenerationConfigFile
            {
                EosTokenIds = ReadIds(path, root),
                DoSample = Read(path, root, "do_sample", element => element.ValueKind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean() : (bool?)null, "true or false"),
                Temperature = Read(path, root, "temperature", element => element.ValueKind == JsonValueKind.Number ? element.GetDouble() : (double?)null, "a number"),
                TopP = Read(path, root, "top_p", element => element.ValueKind == JsonValueKind.Number ? element.GetDouble() : (double?)null, "a number"),
                TopK = Read(path, root, "top_k", element => element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var k) ? k : (int?)null, "an integer"),
            };
        }
    }

    private static T? Read<T>(string path, JsonElement root, string field, Func<JsonElement, T?> convert, string expected) where T : struct
    {
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return convert(element) ?? throw new ModelConfigException(path, field, $"must be {expected}, found {element.GetRawText()}");
    }

    private static int[] ReadIds(string path, JsonElement root)
    {
        if (!root.TryGetProperty("eos_token_id", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        var items = element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().ToArray() : [element];
        return items.Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var id) && id >= 0
            ? id
            : throw new ModelConfigException(path, "eos_token_id", $"must be a token id or a list of them, found {element.GetRawText()}")).ToArray();
    }
}
