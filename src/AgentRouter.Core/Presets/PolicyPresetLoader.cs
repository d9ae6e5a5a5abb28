using AgentRouter.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Presets;

/// <summary>Loads and validates policy presets. A preset is valid when its policy exists and the policy
/// accepts its parameters, so every error a policy would raise surfaces at load time, naming the file and
/// field.</summary>
public static class PolicyPresetLoader
{
    private static readonly HashSet<string> TopLevelFields = new(StringComparer.Ordinal)
    {
        "policy", "seed", "costWeight", "parameters", "description",
    };

    /// <summary>The repository's <c>policies/</c> directory: AGENTROUTER_POLICIES when set, else the
    /// <c>policies</c> folder beside the first <c>AgentRouter.sln</c> found walking up from
    /// <paramref name="start"/> (default: the current directory), else <c>./policies</c>.</summary>
    public static string DefaultDirectory(string? start = null)
    {
        var configured = Environment.GetEnvironmentVariable("AGENTROUTER_POLICIES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return Path.Combine(directory.FullName, "policies");
            }
        }

        return Path.GetFullPath("policies");
    }

    /// <summary>Loads <paramref name="nameOrPath"/>: an existing file path, or a preset name looked up as
    /// <c>{name}.json</c> in <paramref name="policiesDirectory"/>.</summary>
    public static PolicyPreset Load(string nameOrPath, string policiesDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (File.Exists(nameOrPath))
        {
            return LoadFile(nameOrPath);
        }

        var candidate = Path.Combine(policiesDirectory, nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? nameOrPath : nameOrPath + ".json");
        if (File.Exists(candidate))
        {
            return LoadFile(candidate);
        }

        var known = Directory.Exists(policiesDirectory)
            ? string.Join(", ", Directory.GetFiles(policiesDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
            : "(directory missing)";
        throw new PolicyPresetException(candidate, null,
            $"no preset '{nameOrPath}': neither a file nor a name in {policiesDirectory} (known presets: {known})");
    }

    public static PolicyPreset LoadFile(string path)
    {
        string text;
        try
        {
            text = InputFiles.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyPresetException(path, null, $"cannot be read: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses preset JSON; <paramref name="source"/> names it in errors.</summary>
    public static PolicyPreset Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PolicyPresetException(source, null,
                $"is not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}): {e.Message}", e);
        }

        if (root is not JsonObject obj)
        {
            throw new PolicyPresetException(source, null, "must be a JSON object like { \"policy\": \"ucb1\", \"parameters\": { } }");
        }

        foreach (var (field, _) in obj)
        {
            if (!TopLevelFields.Contains(field))
            {
                throw new PolicyPresetException(source, field,
                    $"unknown field (allowed: {string.Join(", ", TopLevelFields.Order(StringComparer.Ordinal))})");
            }
        }

        var policy = obj["policy"] is JsonValue policyValue && policyValue.GetValueKind() == JsonValueKind.String
            ? policyValue.GetValue<string>()
            : throw new PolicyPresetException(source, "policy", "is required and must be a string");
        if (!PolicyCatalog.IsKnown(policy))
        {
            throw new PolicyPresetException(source, "policy",
                $"unknown policy '{policy}' (known: {string.Join(", ", PolicyCatalog.Names.Order(StringComparer.Ordinal))})");
        }

        var seed = ReadSeed(obj, source);
        var costWeight = ReadCostWeight(obj, source);
        var parameters = obj["parameters"] switch
        {
            null when !obj.ContainsKey("parameters") => null,
            JsonObject p => p,
            _ => throw new PolicyPresetException(source, "parameters", "must be an object of parameter names to values"),
        };

        var preset = new PolicyPreset(policy, seed, costWeight, parameters?.DeepClone().AsObject(), source);
        try
        {
            preset.CreatePolicy();
        }
        catch (ArgumentException e)
        {
            var field = e.ParamName is null or "costWeight" ? e.ParamName : "parameters." + e.ParamName;
            throw new PolicyPresetException(source, field, e.Message, e);
        }

        return preset;
    }

    private static int ReadSeed(JsonObject obj, string source)
    {
        if (!obj.ContainsKey("seed"))
        {
            return 1;
        }

        if (obj["seed"] is { } value && ParameterReader.TryReadNumber(value, out var number) && number == Math.Floor(number)
            && number is >= int.MinValue and <= int.MaxValue)
        {
            return (int)number;
        }

        throw new PolicyPresetException(source, "seed", "must be a 32-bit integer");
    }

    private static double? ReadCostWeight(JsonObject obj, string source)
    {
        if (!obj.ContainsKey("costWeight") || obj["costWeight"] is null)
        {
            return null;
        }

        if (obj["costWeight"] is { } value && ParameterReader.TryReadNumber(value, out var number)
            && double.IsFinite(number) && number >= 0)
        {
            return number;
        }

        throw new PolicyPresetException(source, "costWeight", "must be a number >= 0");
    }
}
