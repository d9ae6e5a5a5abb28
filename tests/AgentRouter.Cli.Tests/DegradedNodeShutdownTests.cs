using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentRouter.Cli.Tests;

/// <summary>A router node whose Redis is unreachable (running degraded) exits promptly on SIGTERM: it cannot flush
/// its buffered shared-state updates or save snapshots, and must not wait for them.</summary>
public sealed class DegradedNodeShutdownTests
{
    [Fact]
    public async Task A_degraded_router_node_exits_within_five_seconds_of_sigterm()
    {
        var akkaPort = FreePort();
        var deadRedisPort = FreePort(); // nothing listens there
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = CliProcess.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "agentrouter.dll"), "node", "--roles", "router", "--port", $"{akkaPort}",
                     "--redis", $"127.0.0.1:{deadRedisPort}", "--node-id", "degraded-shutdown-test",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var degraded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        node.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }
            output.Enqueue(line.Data);
            if (line.Data.Contains("degraded=True", StringComparison.Ordinal))
            {
                degraded.TrySetResult();
            }
        };
        node.ErrorDataReceived += (_, line) => { if (line.Data is not null) { output.Enqueue(line.Data); } };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        try
        {
            // The node reports itself degraded once its shared-state loops have failed to reach Redis.
            await Task.WhenAny(degraded.Task, node.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
            Assert.True(degraded.Task.IsCompleted, $"the node never reported degraded=True:\n{string.Join('\n', output)}");

            var signalled = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", $"{node.Id}"])!)
            {
                await kill.WaitForExitAsync();
            }
            await Task.WhenAny(node.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
            var exited = node.HasExited;
            signalled.Stop();

            Assert.True(exited, $"the degraded node was still running 30 s after SIGTERM:\n{string.Join('\n', output)}");
            Assert.True(signalled.Elapsed < TimeSpan.FromSeconds(5),
                $"the degraded node took {signalled.Elapsed.TotalSeconds:F1} s to exit after SIGTERM (limit 5 s):\n{string.Join('\n', output)}");
            Assert.Equal(0, node.ExitCode);
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill(entireProcessTree: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
