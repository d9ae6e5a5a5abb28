namespace AgentRouter.Actors.Tests;

/// <summary>Finds the read-only shared data (AGENTROUTER_SHARED_DATA, default ../shared/data beside the repository root).</summary>
internal static class SharedData
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("AGENTROUTER_SHARED_DATA") is { Length: > 0 } configured
        ? configured
        : Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "data"));

    public static string PathOf(string relative) => Path.Combine(Root, relative);
}

/// <summary>A fact that is skipped, saying where it looked, when a shared data file is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(params string[] files)
    {
        var missing = files.Select(SharedData.PathOf).Where(path => !File.Exists(path)).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"shared data absent: {string.Join(", ", missing)} (set AGENTROUTER_SHARED_DATA to the data folder)";
        }
    }
}
