using AgentRouter.Core.Agents;

namespace AgentRouter.LocalAgents;

/// <summary>The <c>settings</c> of a <c>"backend": "local"</c> manifest.</summary>
/// <param name="ModelDirectory">The checkpoint folder (HF layout), resolved against the manifest's folder.</param>
/// <param name="WorkingTokens">How many tokens of working text to generate after the chosen letter.</param>
/// <param name="AdapterDirectory">A PEFT LoRA adapter folder over <paramref name="ModelDirectory"/> (the base), resolved
/// against the manifest's folder; null runs the base model itself.</param>
/// <param name="SharedKvCache">Whether the agent keeps its KV cache in the process's shared block pool (<c>"kvCache": "shared"</c>,
/// the default: prompts already prefilled by any agent on the same weights are reused, results unchanged) or computes a
/// private one per request (<c>"private"</c>).</param>
/// <param name="LowRankKvCache"><c>"kvCache": "low-rank"</c> (adapter agents only, opt-in): LRAgent-style sharing with the other
/// low-rank agents on the same base — the base K/V of a prompt is prefilled once, each agent keeps only its rank-r part.
/// Approximate: the agent's answers may differ from its exact ones.</param>
public sealed record LocalBackendSettings(string ModelDirectory, int WorkingTokens, int Capacity, string? AdapterDirectory = null, bool SharedKvCache = true,
    bool LowRankKvCache = false)
{
    /// <summary>Reads and checks the settings; problems are added to <paramref name="errors"/> naming the manifest file
    /// and field, and null is returned.</summary>
    public static LocalBackendSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        var settings = AgentManifestLoader.Settings(manifest, errors);
        var before = settings.ProblemCount;
        var manifestDirectory = manifest.SourceFile is { } source ? Path.GetDirectoryName(Path.GetFullPath(source))! : Environment.CurrentDirectory;
        var modelPath = settings.String("modelPath", required: true);
        var adapterPath = settings.String("adapterPath");
        var workingTokens = settings.Int("workingTokens", 8, 0, 256);
        var kvCache = settings.Choice("kvCache", "shared", "shared", "private", "low-rank");
        if (kvCache == "low-rank" && adapterPath is null)
        {
            settings.Fail("kvCache", "\"low-rank\" shares a base's K/V among LoRA agents: it needs settings.adapterPath");
        }

        settings.RejectUnknownFields("local-backend setting");
        return settings.ProblemCount == before && modelPath is not null
            ? new LocalBackendSettings(
                Path.GetFullPath(Path.Combine(manifestDirectory, modelPath)),
                workingTokens,
                manifest.Capacity,
                adapterPath is null ? null : Path.GetFullPath(Path.Combine(manifestDirectory, adapterPath)),
                SharedKvCache: kvCache == "shared",
                LowRankKvCache: kvCache == "low-rank")
            : null;
    }
}
