using System.Diagnostics;
using System.Globalization;
using AgentRouter.Core.Harness;

namespace AgentRouter.Harness.Tests;

/// <summary>Done-when: the harness process is SIGKILLed mid-run, then resumed; the final log has every
/// (item, agent) call exactly once and the outcomes CSV every item.</summary>
public sealed class KillResumeTests
{
    private const int Items = 60;
    private const int Agents = 11;

    [Fact]
    public async Task Sigkill_mid_run_then_resume_records_every_call_exactly_once()
    {
        Assert.True(File.Exists(HarnessTestPaths.CliAssembly), $"build the CLI first: {HarnessTestPaths.CliAssembly} is missing");
        using var folder = new TemporaryFolder();

        // Recorded agents waiting a quarter of the modelled latency (about 100 ms a call), one call at a time per agent: a run
        // of about six seconds, long enough to be killed in the middle even on a loaded machine.
        await using var server = await HarnessTestPaths.ServeRecordedAsync(HarnessTestPaths.ArcTest, 0.25, folder.Sub("no-policies"));
        var output = folder.Sub("run");
        var calls = Path.Combine(output, HarnessSession.CallsFile);
        string[] arguments =
        [
            HarnessTestPaths.CliAssembly, "harness", "run", "--data", HarnessTestPaths.ArcTest, "--endpoint", new Uri(server.BaseAddress, "/v1").AbsoluteUri,
            "--all-agents", "--out", output, "--concurrency", "1", "--limit", Items.ToString(CultureInfo.InvariantCulture), "--max-retries", "1", "--retry-base-ms", "1",
        ];

        using (var first = Start(arguments))
        {
            var deadline = Stopwatch.StartNew();
            while (LinesIn(calls) < 40)
            {
                Assert.False(first.HasExited, $"the harness exited (code {(first.HasExited ? first.ExitCode : 0)}) before it could be killed: {await first.StandardError.ReadToEndAsync()}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "the harness recorded no calls within 3 minutes");
                await Task.Delay(10); // polling the file for a condition, not a fixed wait
            }

            Assert.False(first.HasExited, "the harness finished before it could be killed");
            first.Kill(); // SIGKILL on Linux: no handler runs, no flush, nothing written at exit
            await first.WaitForExitAsync();
        }

        var afterKill = LinesIn(calls);
        Assert.InRange(afterKill, 40, (Items * Agents) - 1);

        using (var second = Start([.. arguments, "--resume"]))
        {
            var stderr = second.StandardError.ReadToEndAsync();
            var stdout = second.StandardOutput.ReadToEndAsync();
            Assert.True(second.WaitForExit(TimeSpan.FromMinutes(5)), "the resumed harness did not finish within 5 minutes");
            Assert.True(second.ExitCode == 0, $"resume exited {second.ExitCode}: {await stderr}\n{await stdout}");
        }

        var records = CallLog.Read(calls);
        var keys = records.Select(r => r.Key).ToList();
        Assert.Equal(Items * Agents, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        var ids = HarnessDataset.Load(HarnessTestPaths.ArcTest).Items.Take(Items).Select(i => i.Id).ToHashSet();
        Assert.All(records.GroupBy(r => r.Agent), agent => Assert.True(ids.SetEquals(agent.Select(r => r.Id))));
        Assert.Equal(records.Select(r => r.Sequence).Order(), Enumerable.Range(0, records.Count).Select(i => (long)i));
        Assert.Equal(Items + 1, File.ReadLines(Path.Combine(output, HarnessSession.OutcomesFile)).Count(l => l.StartsWith("arc-challenge", StringComparison.Ordinal) || l.StartsWith("sample_id", StringComparison.Ordinal)));
    }

    private static Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static int LinesIn(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var count = 0;
        int next;
        while ((next = stream.ReadByte()) >= 0)
        {
            if (next == '\n')
            {
                count++;
            }
        }

        return count;
    }
}
