using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Replay;

namespace AgentRouter.Actors.Backends;

/// <summary>A <c>recorded</c> agent: one model column of a RouterBench CSV answering with its recorded responses and
/// costs (<see cref="RecordedBackend"/>). Manifest settings: <c>file</c> (required; relative paths resolve beside the
/// manifest), <c>model</c> (the column, default the agent's name), <c>latencyScale</c> (0, the default, answers at
/// once; 1 waits the replay latency model's time), <c>latencyBaseMs</c>, <c>latencyPerTokenMs</c>,
/// <c>latencyJitter</c> (the <see cref="LatencyModel"/>) and <c>seed</c> (of the jitter).</summary>
public sealed record RecordedBackendSettings(string File, string Model, double LatencyScale, LatencyModel Latency, int Seed)
{
    /// <summary>The backend kind of recorded agents' manifests.</summary>
    public const string Kind = "recorded";

    /// <summary>The <see cref="BackendFactory"/> of kind <see cref="Kind"/>, whose waits pass on <paramref name="time"/>.
    /// Each CSV is read once per factory however many agents name it.</summary>
    public static BackendFactory Factory(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var loaded = new ConcurrentDictionary<(string File, double Scale, LatencyModel Latency, int Seed, int Capacity), Lazy<IReadOnlyDictionary<string, RecordedBackend>>>();
        return (manifest, errors) =>
        {
            if (FromManifest(manifest, errors) is not { } settings)
            {
                return null;
            }

            var source = manifest.SourceFile ?? manifest.Name;
            try
            {
                var key = (settings.File, settings.LatencyScale, settings.Latency, settings.Seed, manifest.Capacity);
                var backends = loaded.GetOrAdd(key, k => new Lazy<IReadOnlyDictionary<string, RecordedBackend>>(() =>
                    RecordedBackend.ForWorkload(RouterBenchReader.Read(k.File, new ReplayReadOptions(k.Seed, LatencyModel: k.Latency)), k.Scale, k.Capacity, time))).Value;
                if (backends.TryGetValue(settings.Model, out var backend))
                {
                    return backend;
                }

                errors.Add(new ManifestError(source, "settings.model", $"'{settings.Model}' is not a model column of {settings.File} (models: {string.Join(", ", backends.Keys)})"));
            }
            catch (ReplayDataException error)
            {
                errors.Add(new ManifestError(source, "settings.file", error.Message));
            }

            return null;
        };
    }

    /// <summary>Reads the <c>settings</c> of a recorded agent's manifest; null (errors naming the field added) when invalid.</summary>
    public static RecordedBackendSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var before = errors.Count;
        var settings = AgentManifestLoader.Settings(manifest, errors);
        var file = settings.String("file", required: true);
        if (file is not null && !Path.IsPathRooted(file) && manifest.SourceFile is not null)
        {
            file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifest.SourceFile))!, file);
        }

        var model = settings.String("model") ?? manifest.Name;
        var defaults = LatencyModel.Default;
        var latency = new LatencyModel(
            settings.Double("latencyBaseMs", defaults.BaseMs, 0, 3_600_000),
            settings.Double("latencyPerTokenMs", defaults.MsPerOutputToken, 0, 60_000),
            settings.Double("latencyJitter", defaults.Jitter, 0, 1));
        var scale = settings.Double("latencyScale", 0, 0, 1000);
        var seed = settings.Int("seed", 1);
        settings.RejectUnknownFields("recorded-backend setting");
        return errors.Count > before || file is null ? null : new RecordedBackendSettings(Path.GetFullPath(file), model, scale, latency, seed);
    }

    /// <summary>One <c>recorded</c> manifest per model column of <paramref name="file"/>, named as in the file and priced
    /// at the model's mean recorded cost per call (what <c>serve --recorded FILE.csv</c> runs).</summary>
    /// <exception cref="ReplayDataException">The file is missing or not a RouterBench CSV.</exception>
    public static IReadOnlyList<AgentManifest> ManifestsFor(string file, double latencyScale = 0, LatencyModel? latency = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(latencyScale);
        latency ??= LatencyModel.Default;
        var path = Path.GetFullPath(file);
        var workload = RouterBenchReader.Read(path, new ReplayReadOptions(seed, LatencyModel: latency));
        return [.. workload.Agents.Select(agent => new AgentManifest(agent.Name, Kind, ["recorded"], agent.Cost,
            Math.Max(1, latency.Typical(agent.Name) * latencyScale), 1024, 4096, null, new JsonObject
            {
                ["file"] = path,
                ["model"] = agent.Name,
                ["latencyScale"] = latencyScale,
                ["latencyBaseMs"] = latency.BaseMs,
                ["latencyPerTokenMs"] = latency.MsPerOutputToken,
                ["latencyJitter"] = latency.Jitter,
                ["seed"] = seed,
            }))];
    }
}
