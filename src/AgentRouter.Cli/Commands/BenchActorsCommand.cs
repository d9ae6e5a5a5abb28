using System.CommandLine;
using System.Globalization;
using AgentRouter.Cli.Bench;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter bench actors</c>: throughput and latency of the actor runtime against a raw Ask.</summary>
internal static class BenchActorsCommand
{
    public static Command Build()
    {
        var duration = new Option<double>("--duration") { Description = "Seconds measured per run.", DefaultValueFactory = _ => 3 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of warm-up before each measured run.", DefaultValueFactory = _ => 1 };
        var clients = new Option<int>("--clients") { Description = "Client actors generating closed-loop load.", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window") { Description = "Queries each client keeps in flight.", DefaultValueFactory = _ => 256 };
        var agents = new Option<int>("--agents") { Description = "Zero-latency simulated agents.", DefaultValueFactory = _ => 6 };
        var panel = new Option<int>("--panel") { Description = "Panel size k.", DefaultValueFactory = _ => 3 };
        var policy = new Option<string>("--policy") { Description = "Routing policy.", DefaultValueFactory = _ => "ema" };
        var merge = new Option<string>("--merge") { Description = "Merge strategy.", DefaultValueFactory = _ => "majority" };
        var noFaults = new Option<bool>("--no-faults") { Description = "Skip the run with injected crashes and timeouts." };
        var feedbackCapacity = new Option<int>("--feedback-capacity") { Description = "Answered queries each router keeps for delayed feedback (the router default is 100,000).", DefaultValueFactory = _ => 100_000 };
        var hocon = new Option<string?>("--hocon") { Description = "Extra Akka HOCON for the benchmarked actor system (e.g. dispatcher settings)." };
        var command = new Command("actors", "Router throughput and latency with zero-latency agents, next to a raw Akka Ask; then with injected crashes and timeouts.")
        {
            duration, warmup, clients, window, agents, panel, policy, merge, noFaults, hocon, feedbackCapacity,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new ActorBenchmarkSettings(
                Agents: parseResult.GetValue(agents),
                Panel: parseResult.GetValue(panel),
                Policy: parseResult.GetValue(policy)!,
                Merge: parseResult.GetValue(merge)!,
                Clients: parseResult.GetValue(clients),
                Window: parseResult.GetValue(window),
                Warmup: TimeSpan.FromSeconds(parseResult.GetValue(warmup)),
                Duration: TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                RunFaults: !parseResult.GetValue(noFaults),
                Hocon: parseResult.GetValue(hocon),
                FeedbackCapacity: parseResult.GetValue(feedbackCapacity));
            var loadBefore = LoadAverage();
            var result = await ActorBenchmark.RunAsync(settings, MergeCatalog.Create, line => Console.Error.WriteLine(line)).ConfigureAwait(false);
            Console.WriteLine(Format(settings, result));
            Console.WriteLine();
            Console.WriteLine($"Machine load average (1 min) before / after the run: {loadBefore} / {LoadAverage()} on {Environment.ProcessorCount} cores.");
            return 0;
        });
        return command;
    }

    private static string Format(ActorBenchmarkSettings settings, ActorBenchmarkResult r)
    {
        static string Rate(double x) => x.ToString("N0", CultureInfo.InvariantCulture);
        static string Ms(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
        static string Us(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
        var costRatio = r.AskPerSecond / r.Peak.QueriesPerSecond;
        var lines = new List<string>
        {
            $"Setup: {settings.Agents} zero-latency simulated agents, panel k = {settings.Panel}, policy {settings.Policy}, merge {settings.Merge}, " +
            $"{settings.Clients} clients × {settings.Window} in flight, feedback ledger {settings.FeedbackCapacity:N0} entries (no feedback is sent, so it stays full), {Environment.ProcessorCount} cores, {settings.EffectiveDuration.TotalSeconds:0} s measured after {settings.EffectiveWarmup.TotalSeconds:0} s warm-up. " +
            $"Fault run: agent deadline {settings.EffectiveFaultDeadline.TotalMilliseconds:0} ms, query deadline {3 * settings.EffectiveFaultDeadline.TotalMilliseconds:0} ms, up to 2 retries per query, restarts without backoff.",
            "",
            "| measure | goal | measured | met |",
            "|---|---|---|---|",
            $"| raw Akka Ask round trips/s (same run) | — | {Rate(r.AskPerSecond)} | |",
            $"| bare 3-way fan-out-and-collect through one actor, per second (same load) | — | {Rate(r.BareFanOut.QueriesPerSecond)} | |",
            $"| router rate / bare fan-out rate | — | {(r.Peak.QueriesPerSecond / r.BareFanOut.QueriesPerSecond).ToString("P0", CultureInfo.InvariantCulture)} | |",
            $"| CPU time per raw Ask / per bare fan-out / per routed query (µs, all threads) | — | {Us(r.CpuMicrosPerAsk)} / {Us(r.BareFanOut.CpuMicrosPerQuery)} / {Us(r.Peak.CpuMicrosPerQuery)} | |",
            $"| bytes allocated per routed query (whole process) | — | {r.Peak.BytesPerQuery:N0} | |",
            $"| per-query CPU cost / one raw Ask's | ≤ 6× | {(r.Peak.CpuMicrosPerQuery / r.CpuMicrosPerAsk).ToString("0.00", CultureInfo.InvariantCulture)}× | {Met(r.Peak.CpuMicrosPerQuery / r.CpuMicrosPerAsk <= 6)} |",
            $"| estimate: queries/s two dedicated cores could carry (2 s of CPU / CPU per query) | (≥ 300,000) | {Rate(2e6 / r.Peak.CpuMicrosPerQuery)} | estimate only |",
            $"| router queries/s at peak (closed loop) | ≥ 300,000 | {Rate(r.Peak.QueriesPerSecond)} | {Met(r.Peak.QueriesPerSecond >= 300_000)} |",
            $"| per-query wall-clock cost / one raw Ask's | ≤ 6× | {costRatio.ToString("0.00", CultureInfo.InvariantCulture)}× | {Met(costRatio <= 6)} |",
            $"| p50 / p99 at peak (closed loop, ms) | — | {Ms(r.Peak.P50Ms)} / {Ms(r.Peak.P99Ms)} | |",
            $"| p50 / p99 at half the peak rate ({Rate(r.PacedRate)}/s paced, ms) | p99 ≤ 1 ms | {Ms(r.Paced.P50Ms)} / {Ms(r.Paced.P99Ms)} | {Met(r.Paced.P99Ms <= 1)} |",
            $"| lost queries (no terminal reply), fault-free runs | 0 | {r.Peak.Lost + r.Paced.Lost} | {Met(r.Peak.Lost + r.Paced.Lost == 0)} |",
        };
        if (r.Faults is { } f)
        {
            lines.Add($"| with {settings.CrashRate:P0} crashes + {settings.TimeoutRate:P0} timeouts: queries/s | (reported) | {Rate(f.QueriesPerSecond)} | |");
            lines.Add($"| with faults: answered / failed (typed error) in the measured window | — | {f.Answered:N0} / {f.Failed:N0} | |");
            lines.Add($"| with faults: p50 / p99 (ms) | — | {Ms(f.P50Ms)} / {Ms(f.P99Ms)} | |");
            lines.Add($"| with faults: CPU per query (µs) | — | {Us(f.CpuMicrosPerQuery)} | |");
            lines.Add($"| with faults: retries / agent timeouts (whole run) | — | {r.FaultRetries:N0} / {r.FaultTimeouts:N0} | |");
            lines.Add($"| with faults: lost queries | 0 | {f.Lost} | {Met(f.Lost == 0)} |");
        }

        return string.Join(Environment.NewLine, lines);
    }

    // Other work on the machine changes every wall-clock figure, so the report states how busy it was.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Met(bool met) => met ? "yes" : "**no**";
}
