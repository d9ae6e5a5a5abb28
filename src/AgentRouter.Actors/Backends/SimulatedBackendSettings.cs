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

    /// <summary>Most entries in <c>skillByTaskType</c>: as many task types as a policy tracks on its own (its
    /// <c>maxTaskTypes</c> default); the probe of issue 16 had 100,000 accepted.</summary>
    public const int MaxSkillTaskTypes = 1024;

    /// <summary>Longest task type in <c>skillByTaskType</c>: a client cannot send a longer one (the server's
    /// <c>MaxFieldChars</c> default), so a longer entry could never apply.</summary>
    public const int MaxTaskTypeChars = 256;

    /// <summary>The <see cref="BackendFactory"/> of kind <see cref="Kind"/> (registered by default), whose simulated work
    /// time passes on <paramref name="time"/>, the composition's clock.</summary>
    public static BackendFactory Factory(TimeProvider time) => (manifest, errors) =>
    {
        var before = errors.Count;
        var settings = FromManifest(manifest, errors);
        return errors.Count == before ? new SimulatedBackend(settings, time: time) : null;
    };

    /// <summary>Reads the <c>settings</c> object of a simulated agent's manifest; errors name the field.</summary>
    public static SimulatedBackendSettings FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        var settings = AgentManifestLoader.Settings(manifest, errors);
        Dictionary<string, double>? byType = null;
        if (settings.Child("skillByTaskType") is { } types)
        {
            var taskTypes = types.FieldNames;
            if (taskTypes.Count > MaxSkillTaskTypes)
            {
                settings.Fail("skillByTaskType", $"has {taskTypes.Count:N0} task types; the limit is {MaxSkillTaskTypes:N0}");
            }
            else if (taskTypes.FirstOrDefault(task => task.Length > MaxTaskTypeChars) is { } tooLong)
            {
                // Not echoed: it may be 100,000 characters.
                settings.Fail("skillByTaskType", $"a task type has {tooLong.Length:N0} characters; the limit is {MaxTaskTypeChars}");
            }
            else
            {
                byType = taskTypes.ToDictionary(task => task, task => types.Double(task, 0, 0, 1), StringComparer.Ordinal);
            }
        }

        var result = new SimulatedBackendSettings(
            Seed: settings.Int("seed", 1),
            MedianLatencyMs: settings.Double("medianLatencyMs", manifest.ExpectedLatencyMs, 0, 3_600_000),
            LatencySpread: settings.Double("latencySpread", 0, 0, 5),
            FailureRate: settings.Double("failureRate", 0, 0, 1),
            CrashRate: settings.Double("crashRate", 0, 0, 1),
            HangRate: settings.Double("hangRate", 0, 0, 1),
            Skill: settings.Double("skill", 0.7, 0, 1),
            SkillByTaskType: byType,
            CostPerCall: manifest.Cost.PerCall,
            Capacity: manifest.Capacity,
            Tokens: settings.Int("tokens", 3, 1, 10_000));
        settings.RejectUnknownFields("simulated-backend setting");
        return result;
    }
}
