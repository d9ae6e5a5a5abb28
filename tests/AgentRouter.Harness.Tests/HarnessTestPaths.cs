using AgentRouter.Hosting;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Harness.Tests;

internal static class HarnessTestPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>RouterBench's ARC-Challenge test split as shipped in data/routerbench (identical to ../shared/data/routerbench's).</summary>
    public static string ArcTest => Path.Combine(Root, "data", "routerbench", "arc_challenge_test.csv");

    /// <summary><c>serve --recorded FILE</c> in process (the standard composition), on a free loopback port, without policy presets.</summary>
    public static Task<AgentRouterServer> ServeRecordedAsync(string file, double latencyScale, string emptyPolicies, Action<ServerOptions>? configure = null,
        Action<AgentRouter.Actors.AgentRouterBuilder>? compose = null)
    {
        var options = new ServerOptions { RecordedFile = file, RecordedLatencyScale = latencyScale, PoliciesDirectory = emptyPolicies, RequestsPerMinute = 1_000_000 };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        configure?.Invoke(options);
        return AgentRouterHost.StartServerAsync(options, compose);
    }

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

/// <summary>A temporary folder removed with the test.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("harness-test-").FullName;

    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
