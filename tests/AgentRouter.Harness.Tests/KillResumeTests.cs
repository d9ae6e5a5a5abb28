using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Harness;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Replay;
using Microsoft.Extensions.DependencyInjection;

namespace AgentRouter.Harness.Tests;

/// <summary>Done-when: the harness process is SIGKILLed mid-run, then resumed; the final log has every (item, agent)
/// call exactly once, in one unbroken sequence, and the outcomes CSV every item.</summary>
public sealed class KillResumeTests
{
    private const int Items = 60;
    private const int Agents = 11;

    /// <summary>Calls the recorded agents answer before the gate closes: far fewer than the run's 660, so the harness is
    /// certainly mid-run, whatever the machine's speed, until the gate opens.</summary>
    private const int GateLimit = 100;

    /// <summary>Lines the killed run must have logged first. Reachable whatever the timing: the 100 calls let through
    /// all answer (no cell of the first 60 rows is empty) and each is logged before its agent's next call starts.</summary>
    private const int KillAfterLines = 50;

    [Fact]
    public async Task Sigkill_mid_run_then_resume_records_every_call_exactly_once()
    {
        Assert.True(File.Exists(HarnessTestPaths.CliAssembly), $"build the CLI first: {HarnessTestPaths.CliAssembly} is missing");
        using var folder = new TemporaryFolder();
        var gate = new CallGate(GateLimit);
        await using var server = await HarnessTestPaths.ServeRecordedAsync(HarnessTestPaths.ArcTest, 0, folder.Sub("no-policies"),
            options => options.AgentDeadline = options.MaxDeadline = TimeSpan.FromMinutes(10),
            builder => builder.AddBackend(RecordedBackendSettings.Kind, provider =>
            {
                var recorded = RecordedBackendSettings.Factory(provider.GetRequiredService<TimeProvider>());
                return (manifest, errors) => recorded(manifest, errors) is { } backend ? new GatedBackend(backend, gate) : null;
            }));
        var output = folder.Sub("run");
        var calls = Path.Combine(output, HarnessSession.CallsFile);
        string[] arguments =
        [
            HarnessTestPaths.CliAssembly, "harness", "run", "--data", HarnessTestPaths.ArcTest, "--endpoint", new Uri(server.BaseAddress, "/v1").AbsoluteUri,
            "--all-agents", "--out", output, "--concurrency", "1", "--limit", Items.ToString(CultureInfo.InvariantCulture),
            "--max-retries", "1", "--retry-base-ms", "1", "--timeout-s", "600",
        ];

        using (var first = ChildProcess.Start(arguments))
        {
            // Waits on what the run has written (the log's complete lines), with a generous limit for a loaded machine.
            var waited = Stopwatch.StartNew();
            while (LinesIn(calls) < KillAfterLines)
            {
                Assert.False(first.Process.HasExited, $"the harness exited (code {(first.Process.HasExited ? first.Process.ExitCode : 0)}) before it could be killed: {first.Output}");
                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(5), $"the harness logged {LinesIn(calls)} calls within 5 minutes: {first.Output}");
                await Task.Delay(20);
            }

            Assert.False(first.Process.HasExited, "the harness finished before it could be killed");
            first.Process.Kill(); // SIGKILL on Linux: no handler runs, nothing is flushed or written at exit
            await first.Process.WaitForExitAsync();
        }

        Assert.InRange(LinesIn(calls), KillAfterLines, GateLimit);
        gate.Open();

        using (var second = ChildProcess.Start([.. arguments, "--resume"]))
        {
            Assert.True(await second.WaitAsync(TimeSpan.FromMinutes(5)), $"the resumed harness did not finish within 5 minutes: {second.Output}");
            Assert.True(second.Process.ExitCode == 0, $"resume exited {second.Process.ExitCode}: {second.Output}");
        }

        var records = CallLog.Read(calls);
        var keys = records.Select(r => r.Key).ToList();
        Assert.Equal(Items * Agents, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(records, r => Assert.True(r.Succeeded, r.Error));
        var ids = HarnessDataset.Load(HarnessTestPaths.ArcTest).Items.Take(Items).Select(i => i.Id).ToHashSet();
        Assert.Equal(Agents, records.Select(r => r.Agent).Distinct().Count());
        Assert.All(records.GroupBy(r => r.Agent), agent => Assert.True(ids.SetEquals(agent.Select(r => r.Id))));
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), records.Select(r => r.Sequence).Order());
        var outcomes = RouterBenchReader.Read(Path.Combine(output, HarnessSession.OutcomesFile), new ReplayReadOptions());
        Assert.Equal(Items, outcomes.Items.Count);
        Assert.Equal(Agents, outcomes.Agents.Count);
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

    /// <summary>The CLI as a child process, its output drained as it comes (a full pipe would stall it).</summary>
    private sealed class ChildProcess : IDisposable
    {
        private readonly StringBuilder _output = new();

        private ChildProcess(Process process) => Process = process;

        public Process Process { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static ChildProcess Start(string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            var child = new ChildProcess(new Process { StartInfo = start });
            child.Process.OutputDataReceived += (_, line) => child.Append(line.Data);
            child.Process.ErrorDataReceived += (_, line) => child.Append(line.Data);
            child.Process.Start();
            child.Process.BeginOutputReadLine();
            child.Process.BeginErrorReadLine();
            return child;
        }

        public async Task<bool> WaitAsync(TimeSpan limit)
        {
            try
            {
                await Process.WaitForExitAsync().WaitAsync(limit);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }

    private static int LinesIn(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var count = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return count;
    }
}
