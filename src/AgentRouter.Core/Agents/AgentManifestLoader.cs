using AgentRouter.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Json;

namespace AgentRouter.Core.Agents;

/// <summary>The manifests that loaded and the errors of those that did not.</summary>
public sealed record ManifestLoadResult(IReadOnlyList<AgentManifest> Manifests, IReadOnlyList<ManifestError> Errors);

/// <summary>Reads and schema-checks agent manifests. Schema (camelCase JSON):
/// <c>name</c> (required, [A-Za-z0-9._-]+), <c>backend</c> (required string), <c>tags</c> (string array),
/// <c>cost</c> ({perCall ≤ 1000, perInputToken ≤ 1, perOutputToken ≤ 1} ≥ 0), <c>expectedLatencyMs</c> (&gt; 0, ≤ 1 h, default 1000),
/// <c>capacity</c> (1–4096, default 4), <c>queueLimit</c> (0–1,000,000, default 64), <c>weightsId</c> (string),
/// <c>settings</c> (object, backend-specific), <c>description</c>; <c>$</c>-prefixed fields (<c>$schema</c>) are ignored.
/// Unknown fields are errors, so typos never pass silently. Read with the shared <see cref="StrictJsonObject"/>.</summary>
public static class AgentManifestLoader
{
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
        var errors = new List<ManifestError>();
        var problems = Problems(errors);
        if (StrictJsonObject.Parse(json, file, problems) is not { } manifest)
        {
            return new ManifestLoadResult([], errors);
        }

        var name = manifest.String("name", required: true);
        if (name is { Length: > MaxNameChars })
        {
            manifest.Fail("name", $"has {name.Length} characters; the limit is {MaxNameChars}");
            name = null;
        }
        else if (name is not null && !IsValidName(name))
        {
            manifest.Fail("name", $"'{name}' may contain only letters, digits, '.', '_' and '-'");
        }

        var backend = manifest.String("backend", required: true);
        var tags = manifest.Strings("tags");
        var cost = ReadCost(manifest);
        var latency = manifest.Double("expectedLatencyMs", 1000, min: 0, max: MaxExpectedLatencyMs, minExclusive: true);
        var capacity = manifest.Int("capacity", 4, min: 1, max: MaxCapacity);
        var queueLimit = manifest.Int("queueLimit", 64, min: 0, max: MaxQueueLimit);
        var weightsId = manifest.String("weightsId");
        var settings = manifest.Element("settings", JsonValueKind.Object) is { } settingsElement
            ? JsonNode.Parse(settingsElement.GetRawText())!.AsObject()
            : new JsonObject();
        manifest.String("description");
        manifest.RejectUnknownFields();

        if (errors.Count > 0 || name is null || backend is null)
        {
            return new ManifestLoadResult([], errors);
        }

        return new ManifestLoadResult(
            [new AgentManifest(name, backend, tags, cost, latency, capacity, queueLimit, weightsId, settings, file)], errors);
    }

    /// <summary>Problems of manifests (and of the backend settings inside them) as <see cref="ManifestError"/>s, all of
    /// them collected so that start-up reports every one at once.</summary>
    public static JsonProblems Problems(List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return JsonProblems.Collecting((file, field, problem) => errors.Add(new ManifestError(file, field, problem)));
    }

    /// <summary>The <c>settings</c> object of <paramref name="manifest"/> for a backend to read strictly; problems name
    /// <c>settings.field</c> in the manifest's file.</summary>
    public static StrictJsonObject Settings(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return StrictJsonObject.Of(manifest.Settings, manifest.SourceFile ?? manifest.Name, "settings", Problems(errors));
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

    // Ceilings on numbers that passed the lower-bound checks and then broke serving: a cost of 1e308 summed to infinity
    // (every routed chat a 500, +Inf in Prometheus), an expected latency of 1e308 ms overflowed TimeSpan, a capacity of
    // 2^31-1 pinned unbounded concurrency. Each is far above any real model's figure.
    public const int MaxNameChars = 128;
    public const double MaxExpectedLatencyMs = 3_600_000; // an hour
    public const int MaxCapacity = 4096;
    public const int MaxQueueLimit = 1_000_000;
    public const double MaxCostPerCall = 1_000; // US dollars
    public const double MaxCostPerToken = 1; // US dollars, i.e. $1M per million tokens

    private static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static CostModel ReadCost(StrictJsonObject manifest)
    {
        if (manifest.Child("cost") is not { } cost)
        {
            return CostModel.Free;
        }

        var model = new CostModel(
            cost.Double("perCall", 0, min: 0, max: MaxCostPerCall),
            cost.Double("perInputToken", 0, min: 0, max: MaxCostPerToken),
            cost.Double("perOutputToken", 0, min: 0, max: MaxCostPerToken));
        cost.RejectUnknownFields();
        return model;
    }
}
