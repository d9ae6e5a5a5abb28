using System.Diagnostics;
using System.Globalization;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Harness;
using AgentRouter.Core.Merging;

namespace AgentRouter.Harness.Tests;

/// <summary>Done-when: the harness process is SIGKILLed mid-run, then resumed; the final log has every
/// (item, agent) call exactly once and the outcomes CSV every item.</summary>
public sealed class KillResumeTests
{
    private const int Items = 60;
    private const int Agents = 11;
    private const int KillAfterCalls = 100;

    [Fact]
    public async Task Sigkill_mid_run_then_resume_records_every_call_exactly_once()
    {
        Assert.True(File.Exists(HarnessTestPaths.CliAssembly), $"build the CLI first: {HarnessTestPaths.CliAssembly} is missing");
        using var folder = new TemporaryFolder();

        // The recorded agents answer the first calls at once and then hold every further call until the gate opens, so the
        // harness is certainly mid-run (calls in flight, more to make) when it is killed, however loaded the machine.
        var gate = new CallGate(KillAfterCalls);
        await using var server = await HarnessTestPaths.ServeRecordedAsync(HarnessTestPaths.ArcTest, 0, folder.Sub("no-policies"), options =>
        {
            options.AgentDeadline = options.MaxDeadline = TimeSpan.FromMinutes(10);
            options.ConfigureRuntime = runtime =>
            {
                var recorded = runtime.BackendFactories[RecordedAgents.Kind];
                runtime.BackendFactories[RecordedAgents.Kind] = (manifest, errors) => recorded(manifest, errors) is { } backend ? new GatedBackend(backend, gate) : null;
            };
        });
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
            while (LinesIn(calls) < KillAfterCalls - 20) // retries of the few empty cells also pass the gate
            {
                if (first.HasExited)
                {
                    Assert.Fail($"the harness exited (code {first.ExitCode}) before it could be killed: {await first.StandardError.ReadToEndAsync()}");
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "the harness recorded no calls within 3 minutes");
                await Task.Delay(10); // polling the file for a condition, not a fixed wait
            }

            Assert.False(first.HasExited, "the harness finished before it could be killed");
            first.Kill(); // SIGKILL on Linux: no handler runs, no flush, nothing written at exit
            await first.WaitForExitAsync();
        }

        Assert.InRange(LinesIn(calls), KillAfterCalls - 20, KillAfterCalls);
        gate.Open();

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

    /// <summary>Lets the first <c>limit</c> calls through and holds the rest until <see cref="Open"/>.</summary>
    private sealed class CallGate(int limit)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task WaitTurnAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) <= limit ? Task.CompletedTask : _open.Task.WaitAsync(cancellationToken);

        public void Open() => _open.TrySetResult();
    }

    private sealed class GatedBackend(IModelBackend inner, CallGate gate) : IModelBackend
    {
        public int Capacity => inner.Capacity;

        public async ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
        {
            await gate.WaitTurnAsync(cancellationToken);
            return await inner.AnalyzeAsync(agent, query, onToken, cancellationToken);
        }
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
