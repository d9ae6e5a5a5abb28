using System.Diagnostics;
using System.Text;

namespace AgentRouter.Cli.Tests;

/// <summary>Runs the built <c>agentrouter</c> (the copy in this test project's output) as a child process.</summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentrouter.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["NO_COLOR"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { lock (output) { output.AppendLine(line.Data); } } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { lock (error) { error.AppendLine(line.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"agentrouter {string.Join(' ', arguments)} did not finish within {timeout}; output so far:\n{output}\n{error}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        return new Result(process.ExitCode, output.ToString(), error.ToString());
    }

    private static string FindRepositoryRoot()
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
