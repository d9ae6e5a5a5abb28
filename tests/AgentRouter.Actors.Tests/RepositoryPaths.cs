namespace AgentRouter.Actors.Tests;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the first directory holding AgentRouter.sln, walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string SimulatedAgents => Path.Combine(Root, "agents", "simulated");

    public static string Policies => Path.Combine(Root, "policies");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"AgentRouter.sln not found above {AppContext.BaseDirectory}");
    }
}
