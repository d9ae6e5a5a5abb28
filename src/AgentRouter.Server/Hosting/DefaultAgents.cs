using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;

namespace AgentRouter.Server.Hosting;

/// <summary>The agents <c>serve</c> runs when no manifest directory is given: the shipped
/// <c>agents/simulated</c> manifests when found, else this built-in set of simulated agents (in memory, no
/// files), with different skills per task type and prices so that routing has something to learn.</summary>
public static class DefaultAgents
{
    /// <summary><c>agents/simulated</c> in the current directory (a checkout) when it exists, else the copy shipped beside
    /// the program; null when neither exists (then <see cref="BuiltIn"/> serves).</summary>
    public static string? FindShippedAgents()
    {
        foreach (var root in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var agents = Path.Combine(root, "agents", "simulated");
            if (Directory.Exists(agents))
            {
                return agents;
            }
        }

        return null;
    }

    /// <param name="medianLatencyMs">0 answers at once (benchmarks); otherwise a log-normal latency.</param>
    public static IReadOnlyList<AgentManifest> BuiltIn(double medianLatencyMs = 0) =>
    [
        Simulated("sim-generalist", 0.75, null, 0.002, 1, medianLatencyMs),
        Simulated("sim-math", 0.55, new() { ["math"] = 0.95, ["code"] = 0.5 }, 0.004, 2, medianLatencyMs),
        Simulated("sim-code", 0.55, new() { ["code"] = 0.95, ["math"] = 0.45 }, 0.004, 3, medianLatencyMs),
        Simulated("sim-cheap", 0.5, null, 0.0005, 4, medianLatencyMs),
    ];

    private static AgentManifest Simulated(string name, double skill, Dictionary<string, double>? byTask, double cost, int seed, double latencyMs)
    {
        // Parsed from text, as a manifest file would be, so that every value is a JSON element the backend's
        // reader accepts whatever its CLR type.
        var settings = new JsonObject { ["seed"] = seed, ["skill"] = skill, ["medianLatencyMs"] = latencyMs, ["latencySpread"] = latencyMs > 0 ? 0.3 : 0 };
        if (byTask is not null)
        {
            settings["skillByTaskType"] = new JsonObject(byTask.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        }

        settings = JsonNode.Parse(settings.ToJsonString())!.AsObject();
        return new AgentManifest(name, "simulated", ["simulated"], new CostModel(PerCall: cost), Math.Max(latencyMs, 1), 1024, 4096, null, settings);
    }
}
