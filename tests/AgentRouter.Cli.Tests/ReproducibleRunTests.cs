using System.Diagnostics;

namespace AgentRouter.Cli.Tests;

/// <summary>A seeded <c>run</c> prints the same table on every run, whatever the machine's load: policies learn from
/// the modelled latency, not the clock.</summary>
public sealed class ReproducibleRunTests
{
    [Fact]
    public async Task Run_with_a_seed_prints_identical_tables_twice_while_other_processes_load_both_cores()
    {
        var reports = Directory.CreateTempSubdirectory("agentrouter-run-").FullName;
        var load = Enumerable.Range(0, 2).Select(_ => StartBusyProcess()).ToList();
        try
        {
            // Both runs at once, beside two busy processes: four CPU-bound processes on two cores, so the measured
            // latencies of the two runs differ widely.
            var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => CliProcess.RunAsync(
                ["run", "--queries", "120", "--seed", "3", "--report", Path.Combine(reports, $"run{i}")],
                CliProcess.RepositoryRoot, TimeSpan.FromMinutes(5))));

            Assert.All(runs, run => Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}"));
            var tables = runs.Select(run => RoutingTable(run.Output)).ToList();
            Assert.Contains("merged accuracy", tables[0], StringComparison.Ordinal);
            Assert.Contains("| domain | queries |", tables[0], StringComparison.Ordinal);
            Assert.Equal(tables[0], tables[1]);
            Assert.All(runs, run => Assert.Contains("measured wall-clock latency", run.Output, StringComparison.Ordinal));
        }
        finally
        {
            foreach (var busy in load)
            {
                busy.Kill();
                busy.Dispose();
            }
            Directory.Delete(reports, recursive: true);
        }
    }

    /// <summary>From the "policy …" line up to the measured-latency section (which is wall-clock and differs by design).</summary>
    private static string RoutingTable(string output)
    {
        var start = output.IndexOf("policy ", StringComparison.Ordinal);
        var end = output.IndexOf("measured wall-clock latency", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"run printed no table:\n{output}");
        return output[start..end];
    }

    private static Process StartBusyProcess() =>
        Process.Start(new ProcessStartInfo("sh", ["-c", "exec yes > /dev/null"]) { UseShellExecute = false })
        ?? throw new InvalidOperationException("sh did not start");
}
