using System.Globalization;
using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Backends;

namespace AgentRouter.Actors.Backends;

/// <summary>How a simulated agent behaves. Every random draw comes from <see cref="Seed"/>.</summary>
/// <param name="MedianLatencyMs">Median of a log-normal latency; 0 means zero-latency mode (answers complete
/// synchronously, no timer or Task involved — the benchmark setting).</param>
/// <param name="LatencySpread">σ of the log-normal (0 = always the median).</param>
/// <param name="FailureRate">Probability a request fails (a faulted result, retryable).</param>
/// <param name="CrashRate">Probability a request crashes the backend (the agent actor restarts).</param>
/// <param name="HangRate">Probability a request never completes until cancelled (drives deadline tests).</param>
/// <param name="Skill">Probability of choosing the correct option; otherwise a wrong option uniformly.</param>
/// <param name="SkillByTaskType">Overrides <see cref="Skill"/> for queries of a task type.</param>
/// <param name="CostPerCall">Cost reported per answer.</param>
/// <param name="Tokens">When streaming, how many pieces the answer text is split into.</param>
public sealed record SimulatedBackendSettings(
    int Seed = 1,
    double MedianLatencyMs = 0,
    double LatencySpread = 0,
    double FailureRate = 0,
    double CrashRate = 0,
    double HangRate = 0,
    double Skill = 0.7,
    IReadOnlyDictionary<string, double>? SkillByTaskType = null,
    double CostPerCall = 0,
    int Capacity = 1024,
    int Tokens = 3)
{
    /// <summary>The backend kind of simulated agents' manifests.</summary>
    public const string Kind = "simulated";

    /// <summary>The <see cref="BackendFactory"/> of kind <see cref="Kind"/> (registered by default).</summary>
    public static IModelBackend? Factory(AgentManifest manifest, List<ManifestError> errors)
    {
        var before = errors.Count;
        var settings = FromManifest(manifest, errors);
        return errors.Count == before ? new SimulatedBackend(settings) : null;
    }

    /// <summary>Reads the <c>settings</c> object of a simulated agent's manifest; errors name the field.</summary>
    public static SimulatedBackendSettings FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        var file = manifest.SourceFile ?? manifest.Name;
        var s = manifest.Settings;
        var known = new HashSet<string>(StringComparer.Ordinal)
        {
            "seed", "medianLatencyMs", "latencySpread", "failureRate", "crashRate", "hangRate", "skill", "skillByTaskType", "tokens",
        };
        foreach (var (key, _) in s)
        {
            if (!known.Contains(key))
            {
                errors.Add(new ManifestError(file, $"settings.{key}", $"unknown simulated-backend setting (known: {string.Join(", ", known.Order())})"));
            }
        }

        double Number(string field, double fallback, double min, double max)
        {
            if (s[field] is not { } node)
            {
                return fallback;
            }

            if (node is JsonValue v && v.TryGetValue<double>(out var x) && x >= min && x <= max)
            {
                return x;
            }

            errors.Add(new ManifestError(file, $"settings.{field}", $"must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]"));
            return fallback;
        }

        Dictionary<string, double>? byType = null;
        if (s["skillByTaskType"] is { } typeNode)
        {
            if (typeNode is JsonObject typeObject)
            {
                byType = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var (task, value) in typeObject)
                {
                    if (value is JsonValue v && v.TryGetValue<double>(out var p) && p is >= 0 and <= 1)
                    {
                        byType[task] = p;
                    }
                    else
                    {
                        errors.Add(new ManifestError(file, $"settings.skillByTaskType.{task}", "must be a number in [0, 1]"));
                    }
                }
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.skillByTaskType", "must be an object of task type → probability"));
            }
        }

        return new SimulatedBackendSettings(
            Seed: (int)Number("seed", 1, int.MinValue, int.MaxValue),
            MedianLatencyMs: Number("medianLatencyMs", manifest.ExpectedLatencyMs, 0, 3_600_000),
            LatencySpread: Number("latencySpread", 0, 0, 5),
            FailureRate: Number("failureRate", 0, 0, 1),
            CrashRate: Number("crashRate", 0, 0, 1),
            HangRate: Number("hangRate", 0, 0, 1),
            Skill: Number("skill", 0.7, 0, 1),
            SkillByTaskType: byType,
            CostPerCall: manifest.Cost.PerCall,
            Capacity: manifest.Capacity,
            Tokens: (int)Number("tokens", 3, 1, 10_000));
    }
}
