using System.CommandLine;
using AgentRouter.Cli.Bench;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter bench soak</c>: a long run with feedback that fails when the retained heap grows (issue 16 point 8).</summary>
internal static class BenchSoakCommand
{
    public static Command Build()
    {
        var requests = new Option<long>("--requests") { Description = "Queries to run in all.", DefaultValueFactory = _ => 1_000_000 };
        var rate = new Option<double>("--rate") { Description = "Queries started per second (0: as fast as the callers go).", DefaultValueFactory = _ => 5_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent callers.", DefaultValueFactory = _ => 64 };
        var sampleInterval = new Option<double>("--sample-interval") { Description = "Seconds between samples (each after a forced full GC).", DefaultValueFactory = _ => 10 };
        var agents = new Option<int>("--agents") { Description = "Zero-latency simulated agents.", DefaultValueFactory = _ => 6 };
        var panel = new Option<int>("--panel") { Description = "Panel size k.", DefaultValueFactory = _ => 3 };
        var policy = new Option<string>("--policy") { Description = "Routing policy.", DefaultValueFactory = _ => "ema" };
        var feedbackShare = new Option<double>("--feedback-share") { Description = "Share of answered queries that get feedback.", DefaultValueFactory = _ => 0.8 };
        var novelShare = new Option<double>("--novel-task-types") { Description = "Share of queries with a task type never seen before.", DefaultValueFactory = _ => 0.01 };
        var maxGrowth = new Option<double>("--max-growth") { Description = "Allowed growth of the heap after full GC, last quarter over second quarter.", DefaultValueFactory = _ => SoakVerdict.DefaultMaxGrowth };
        var output = new Option<string?>("--out") { Description = "Also write the Markdown report here." };
        var command = new Command("soak", "A long run (1M queries by default) with simulated agents and feedback; samples RSS and the heap after a full GC, and exits 1 if that heap grows by more than --max-growth.")
        {
            requests, rate, concurrency, sampleInterval, agents, panel, policy, feedbackShare, novelShare, maxGrowth, output,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new SoakSettings(
                Requests: parseResult.GetValue(requests),
                Rate: parseResult.GetValue(rate),
                Concurrency: parseResult.GetValue(concurrency),
                SampleInterval: TimeSpan.FromSeconds(parseResult.GetValue(sampleInterval)),
                Agents: parseResult.GetValue(agents),
                Panel: parseResult.GetValue(panel),
                Policy: parseResult.GetValue(policy)!,
                FeedbackShare: parseResult.GetValue(feedbackShare),
                NovelTaskTypeShare: parseResult.GetValue(novelShare),
                MaxGrowth: parseResult.GetValue(maxGrowth));
            if (settings.Requests < 1 || settings.Rate < 0 || settings.Concurrency < 1 || settings.EffectiveSampleInterval <= TimeSpan.Zero)
            {
                Console.Error.WriteLine("bench soak: --requests, --concurrency and --sample-interval must be positive, --rate at least 0");
                return 2;
            }

            var loadBefore = LoadAverage();
            var sampleCount = 0;
            var result = await SoakRun.RunAsync(settings, sample => Console.Error.WriteLine(FormattableString.Invariant(
                $"sample {++sampleCount}: {sample.Seconds:0.0} s, {sample.Completed:N0} done ({sample.RatePerSecond:N0}/s), RSS {sample.RssBytes / 1e6:0.0} MB, heap after full GC {sample.HeapAfterFullGcBytes / 1e6:0.00} MB, failed {sample.Failed:N0}")),
                cancellationToken).ConfigureAwait(false);
            var report = SoakRun.Format(settings, result) + Environment.NewLine + Environment.NewLine +
                $"Machine load average (1 min) before / after the run: {loadBefore} / {LoadAverage()} on {Environment.ProcessorCount} cores.";
            Console.WriteLine(report);
            if (parseResult.GetValue(output) is { } path)
            {
                if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
                {
                    Directory.CreateDirectory(folder);
                }

                File.WriteAllText(path, report + Environment.NewLine);
            }

            return result.Verdict.Passed ? 0 : 1;
        });
        return command;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
