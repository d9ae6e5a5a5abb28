using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Agents;

/// <summary>One agent as declared in an <c>agents/*.json</c> file.</summary>
/// <param name="Backend">Backend kind: <c>simulated</c>, <c>replay</c> (and later <c>local</c>, <c>remote</c>).
/// The runtime refuses kinds it has no backend factory for.</param>
/// <param name="ExpectedLatencyMs">Typical answer time; routers derive default deadlines and policies their
/// latency prior from it.</param>
/// <param name="Capacity">How many requests the agent serves at once (its max in flight).</param>
/// <param name="QueueLimit">How many more may wait for a free slot before requests are refused as overloaded.</param>
/// <param name="Settings">Backend-specific settings, checked by that backend's factory.</param>
/// <param name="SourceFile">The file the manifest came from (for error messages); null when built in code.</param>
public sealed record AgentManifest(
    string Name,
    string Backend,
    IReadOnlyList<string> Tags,
    CostModel Cost,
    double ExpectedLatencyMs,
    int Capacity,
    int QueueLimit,
    string? WeightsId,
    JsonObject Settings,
    string? SourceFile = null)
{
    public AgentProfile ToProfile() => new(Name, Tags, Cost, ExpectedLatencyMs, WeightsId);

    /// <summary>A path from the settings as a full path: relative paths are relative to the manifest's folder (the current
    /// directory for a manifest built in code), so that an agent folder can be moved as a whole.</summary>
    public string ResolvePath(string path)
    {
        var directory = SourceFile is { } source ? Path.GetDirectoryName(Path.GetFullPath(source))! : Environment.CurrentDirectory;
        return Path.GetFullPath(Path.Combine(directory, path));
    }
}
