namespace AgentRouter.Hosting.Tests;

/// <summary>Paths in the repository the tests run from (test code may look for the solution; product code never does).</summary>
internal static class Repository
{
    public static string Path(params string[] parts)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return System.IO.Path.Combine([directory.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("AgentRouter.sln not found above " + AppContext.BaseDirectory);
    }
}
