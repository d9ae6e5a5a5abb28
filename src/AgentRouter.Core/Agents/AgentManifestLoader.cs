using AgentRouter.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Agents;

/// <summary>The manifests that loaded and the errors of those that did not.</summary>
public sealed record ManifestLoadResult(IReadOnlyList<AgentManifest> Manifests, IReadOnlyList<ManifestError> Errors);

/// <summary>Reads and schema-checks agent manifests. Schema (camelCase JSON):
/// <c>name</c> (required, [A-Za-z0-9._-]+), <c>backend</c> (required string), <c>tags</c> (string array),
/// <c>cost</c> ({perCall, perInputToken, perOutputToken} ≥ 0), <c>expectedLatencyMs</c> (&gt; 0, default 1000),
/// <c>capacity</c> (≥ 1, default 4), <c>queueLimit</c> (≥ 0, default 64), <c>weightsId</c> (string),
/// <c>settings</c> (object, backend-specific). Unknown top-level fields are errors, so typos never pass silently.</summary>
public static class AgentManifestLoader
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "name", "backend", "tags", "cost", "expectedLatencyMs", "capacity", "queueLimit", "weightsId", "settings", "$schema", "description",
    };

    private static readonly HashSet<string> KnownCostFields = new(StringComparer.Ordinal) { "perCall", "perInputToken", "perOutputToken" };

    /// <summary>Loads every <c>*.json</c> under <paramref name="directory"/> (recursively, in name order).
    /// Duplicate agent names are errors on the later file.</summary>
    public static ManifestLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return new ManifestLoadResult([], [new ManifestError(directory, "", "agent manifest directory does not exist")]);
        }

        var manifests = new List<AgentManifest>();
        var errors = new List<ManifestError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string json;
            try
            {
                json = InputFiles.ReadAllText(file);
            }
            catch (IOException e)
            {
                errors.Add(new ManifestError(file, "", e is InputFileException refused ? refused.Problem : $"cannot be read: {e.Message}"));
                continue;
            }

            var result = Parse(json, file);
            errors.AddRange(result.Errors);
            foreach (var manifest in result.Manifests)
            {
                if (!names.Add(manifest.Name))
                {
                    errors.Add(new ManifestError(file, "name", $"agent name '{manifest.Name}' is already declared by another manifest"));
                    continue;
                }

                manifests.Add(manifest);
            }
        }

        return new ManifestLoadResult(manifests, errors);
    }

    /// <summary>Parses one manifest document; <paramref name="file"/> only labels errors.</summary>
    public static ManifestLoadResult Parse(string json, string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return new ManifestLoadResult([], [new ManifestError(file, "", $"not valid JSON (line {e.LineNumber + 1}): {e.Message}")]);
        }

        if (root is not JsonObject obj)
        {
            return new ManifestLoadResult([], [new ManifestError(file, "", "a manifest must be a JSON object")]);
        }

        var errors = new List<ManifestError>();
        foreach (var (key, _) in obj)
        {
            if (!KnownFields.Contains(key))
            {
                errors.Add(new ManifestError(file, key, $"unknown field (known: {string.Join(", ", KnownFields.Where(f => f[0] != '$').Order())})"));
            }
        }

        var name = ReadString(obj, "name", file, errors, required: true);
        if (name is not null && !IsValidName(name))
        {
            errors.Add(new ManifestError(file, "name", $"'{name}' may contain only letters, digits, '.', '_' and '-'"));
        }

        var backend = ReadString(obj, "backend", file, errors, required: true);
        var tags = ReadTags(obj, file, errors);
        var cost = ReadCost(obj, file, errors);
        var latency = ReadNumber(obj, "expectedLatencyMs", file, errors, 1000, min: double.Epsilon);
        var capacity = (int)ReadNumber(obj, "capacity", file, errors, 4, min: 1, integer: true);
        var queueLimit = (int)ReadNumber(obj, "queueLimit", file, errors, 64, min: 0, integer: true);
        var weightsId = ReadString(obj, "weightsId", file, errors, required: false);
        JsonObject settings = [];
        if (obj["settings"] is { } settingsNode)
        {
            if (settingsNode is JsonObject settingsObject)
            {
                settings = (JsonObject)settingsObject.DeepClone();
            }
            else
            {
                errors.Add(new ManifestError(file, "settings", "must be an object"));
            }
        }

        if (errors.Count > 0 || name is null || backend is null)
        {
            return new ManifestLoadResult([], errors);
        }

        return new ManifestLoadResult(
            [new AgentManifest(name, backend, tags, cost, latency, capacity, queueLimit, weightsId, settings, file)], errors);
    }

    /// <summary>Loads a directory and throws a <see cref="ManifestValidationException"/> listing every error,
    /// or when no agent is valid.</summary>
    public static IReadOnlyList<AgentManifest> LoadDirectoryOrThrow(string directory)
    {
        var result = LoadDirectory(directory);
        if (result.Errors.Count > 0)
        {
            throw new ManifestValidationException(result.Errors);
        }

        if (result.Manifests.Count == 0)
        {
            throw new ManifestValidationException([new ManifestError(directory, "", "no agent manifests found; a router needs at least one agent")]);
        }

        return result.Manifests;
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static string? ReadString(JsonObject obj, string field, string file, List<ManifestError> errors, bool required)
    {
        var node = obj[field];
        if (node is null)
        {
            if (required)
            {
                errors.Add(new ManifestError(file, field, "is required"));
            }

            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        errors.Add(new ManifestError(file, field, "must be a non-empty string"));
        return null;
    }

    private static double ReadNumber(
        JsonObject obj, string field, string file, List<ManifestError> errors, double fallback, double min, bool integer = false, string? path = null)
    {
        var node = obj[field];
        path ??= field;
        if (node is null)
        {
            return fallback;
        }

        if (node is not JsonValue value || !value.TryGetValue<double>(out var number) || !double.IsFinite(number))
        {
            errors.Add(new ManifestError(file, path, "must be a number"));
            return fallback;
        }

        if (integer && (number != Math.Floor(number) || number > int.MaxValue))
        {
            errors.Add(new ManifestError(file, path, $"must be a whole number, got {number}"));
            return fallback;
        }

        if (number < min)
        {
            errors.Add(new ManifestError(file, path, min == double.Epsilon ? $"must be > 0, got {number}" : $"must be ≥ {min}, got {number}"));
            return fallback;
        }

        return number;
    }

    private static IReadOnlyList<string> ReadTags(JsonObject obj, string file, List<ManifestError> errors)
    {
        if (obj["tags"] is not { } node)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            errors.Add(new ManifestError(file, "tags", "must be an array of strings"));
            return [];
        }

        var tags = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue value && value.TryGetValue<string>(out var tag) && tag.Length > 0)
            {
                tags.Add(tag);
            }
            else
            {
                errors.Add(new ManifestError(file, $"tags[{i}]", "must be a non-empty string"));
            }
        }

        return tags;
    }

    private static CostModel ReadCost(JsonObject obj, string file, List<ManifestError> errors)
    {
        if (obj["cost"] is not { } node)
        {
            return CostModel.Free;
        }

        if (node is not JsonObject cost)
        {
            errors.Add(new ManifestError(file, "cost", "must be an object {perCall, perInputToken, perOutputToken}"));
            return CostModel.Free;
        }

        foreach (var (key, _) in cost)
        {
            if (!KnownCostFields.Contains(key))
            {
                errors.Add(new ManifestError(file, $"cost.{key}", "unknown field (known: perCall, perInputToken, perOutputToken)"));
            }
        }

        return new CostModel(
            ReadNumber(cost, "perCall", file, errors, 0, 0, path: "cost.perCall"),
            ReadNumber(cost, "perInputToken", file, errors, 0, 0, path: "cost.perInputToken"),
            ReadNumber(cost, "perOutputToken", file, errors, 0, 0, path: "cost.perOutputToken"));
    }
}
