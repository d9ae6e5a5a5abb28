namespace AgentRouter.Core.Tests.Replay;

/// <summary>Finds the read-only shared data (AGENTROUTER_SHARED_DATA, default ../shared/data beside the repository root).</summary>
internal static class SharedData
{
    public static string Root { get; } = Locate();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("AGENTROUTER_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "AgentRouter.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null ? "../shared/data" : System.IO.Path.GetFullPath(System.IO.Path.Combine(directory.FullName, "..", "shared", "data"));
    }
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
