using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Replay;

namespace AgentRouter.Actors.Runtime;

/// <summary>The <c>recorded</c> backend kind: agents answering from a RouterBench CSV's recorded responses.
/// Manifest settings: <c>file</c> (required, the CSV; relative paths resolve beside the manifest),
/// <c>model</c> (the model column, default the agent's name), <c>latencyScale</c> (default 0: answer at once;
/// 1 waits the latency model's time, see <see cref="LatencyModel"/>), <c>latencyBaseMs</c>,
/// <c>latencyPerTokenMs</c>, <c>latencyJitter</c>, <c>seed</c>.</summary>
public static class RecordedAgents
{
    public const string Kind = "recorded";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "file", "model", "latencyScale", "latencyBaseMs", "latencyPerTokenMs", "latencyJitter", "seed",
    };

    /// <summary>Registers the <c>recorded</c> kind; each CSV is read once however many agents name it.</summary>
    public static AgentRouterOptions AddRecordedBackends(this AgentRouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loaded = new ConcurrentDictionary<(string File, double Scale, LatencyModel Latency, int Seed), IReadOnlyDictionary<string, RecordedBackend>>();
        options.BackendFactories[Kind] = (manifest, errors) =>
        {
            var settings = ReadSettings(manifest, errors);
            if (settings is null)
            {
                return null;
            }

            var (file, model, scale, latency, seed) = settings.Value;
            try
            {
                var backends = loaded.GetOrAdd((file, scale, latency, seed), key =>
                    RecordedBackend.ForWorkload(RouterBenchReader.Read(key.File, new ReplayReadOptions(key.Seed, LatencyModel: key.Latency)), key.Scale, manifest.Capacity));
                if (backends.TryGetValue(model, out var backend))
                {
                    return backend;
                }

                errors.Add(new ManifestError(manifest.SourceFile ?? manifest.Name, "settings.model", $"'{model}' is not a model column of {file} (models: {string.Join(", ", backends.Keys)})"));
            }
            catch (ReplayDataException error)
            {
                errors.Add(new ManifestError(manifest.SourceFile ?? manifest.Name, "settings.file", error.Message));
            }

            return null;
        };
        return options;
    }

    /// <summary>Adds one <c>recorded</c> agent per model column of <paramref name="file"/>, named as in the file
    /// (what <c>serve --recorded FILE.csv</c> runs), priced at the model's mean recorded cost per call.</summary>
    /// <exception cref="ReplayDataException">The file is missing or not a RouterBench CSV.</exception>
    public static IReadOnlyList<string> AddRecordedAgents(this AgentRouterOptions options, string file, double latencyScale = 0, LatencyModel? latency = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(file);
        if (!options.BackendFactories.ContainsKey(Kind))
        {
            options.AddRecordedBackends();
        }

        latency ??= LatencyModel.Default;
        var path = Path.GetFullPath(file);
        var workload = RouterBenchReader.Read(path, new ReplayReadOptions(seed, LatencyModel: latency));
        foreach (var agent in workload.Agents)
        {
            var settings = new JsonObject
            {
                ["file"] = path,
                ["model"] = agent.Name,
                ["latencyScale"] = latencyScale,
                ["latencyBaseMs"] = latency.BaseMs,
                ["latencyPerTokenMs"] = latency.MsPerOutputToken,
                ["latencyJitter"] = latency.Jitter,
                ["seed"] = seed,
            };
            var expected = Math.Max(1, latency.Typical(agent.Name) * latencyScale);
            options.AddAgent(new AgentManifest(agent.Name, Kind, ["recorded"], agent.Cost, expected, 1024, 4096, null,
                JsonNode.Parse(settings.ToJsonString())!.AsObject()));
        }

        return workload.Agents.Select(a => a.Name).ToList();
    }

    private static (string File, string Model, double Scale, LatencyModel Latency, int Seed)? ReadSettings(AgentManifest manifest, List<ManifestError> errors)
    {
        var source = manifest.SourceFile ?? manifest.Name;
        var before = errors.Count;
        foreach (var (key, _) in manifest.Settings)
        {
            if (!Known.Contains(key))
            {
                errors.Add(new ManifestError(source, $"settings.{key}", $"unknown recorded-backend setting (known: {string.Join(", ", Known.Order())})"));
            }
        }

        string? file = null;
        if (manifest.Settings["file"] is JsonValue fileValue && fileValue.TryGetValue<string>(out var fileText) && fileText.Length > 0)
        {
            file = Path.IsPathRooted(fileText) || manifest.SourceFile is null
                ? fileText
                : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifest.SourceFile))!, fileText);
        }
        else
        {
            errors.Add(new ManifestError(source, "settings.file", "is required for a recorded agent (a RouterBench CSV)"));
        }

        var model = manifest.Settings["model"] is JsonValue modelValue && modelValue.TryGetValue<string>(out var modelText) ? modelText : manifest.Name;
        double Number(string field, double fallback, double max)
        {
            if (manifest.Settings[field] is not { } node)
            {
                return fallback;
            }

            if (node is JsonValue value && value.TryGetValue<double>(out var number) && number >= 0 && number <= max)
            {
                return number;
            }

            errors.Add(new ManifestError(source, $"settings.{field}", $"must be a number in [0, {max.ToString(CultureInfo.InvariantCulture)}]"));
            return fallback;
        }

        var defaults = LatencyModel.Default;
        var latency = new LatencyModel(Number("latencyBaseMs", defaults.BaseMs, 3_600_000), Number("latencyPerTokenMs", defaults.MsPerOutputToken, 60_000), Number("latencyJitter", defaults.Jitter, 1));
        var scale = Number("latencyScale", 0, 1000);
        var seed = (int)Number("seed", 1, int.MaxValue);
        return errors.Count > before || file is null ? null : (file, model, scale, latency, seed);
    }
}
