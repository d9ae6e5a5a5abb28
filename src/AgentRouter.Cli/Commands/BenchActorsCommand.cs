using System.CommandLine;
using System.Globalization;
using System.Runtime;
using AgentRouter.Cli.Bench;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter bench actors</c>: throughput and latency of the actor runtime against a raw Ask.</summary>
internal static class BenchActorsCommand
{
    public static Command Build()
    {
        var duration = new Option<double>("--duration") { Description = "Seconds measured per run.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of warm-up before each measured run.", DefaultValueFactory = _ => 2 };
        var clients = new Option<int>("--clients") { Description = "Client actors generating closed-loop load.", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window") { Description = "Queries each client keeps in flight.", DefaultValueFactory = _ => 256 };
        var agents = new Option<int>("--agents") { Description = "Zero-latency simulated agents.", DefaultValueFactory = _ => 6 };
        var panel = new Option<int>("--panel") { Description = "Panel size k.", DefaultValueFactory = _ => 3 };
        var policy = new Option<string>("--policy") { Description = "Routing policy.", DefaultValueFactory = _ => "ema" };
        var merge = new Option<string>("--merge") { Description = "Merge strategy.", DefaultValueFactory = _ => "majority" };
        var noFaults = new Option<bool>("--no-faults") { Description = "Skip the run with injected crashes and timeouts." };
        var feedbackCapacity = new Option<int>("--feedback-capacity") { Description = "Answered queries each router keeps for delayed feedback (the router default is 100,000).", DefaultValueFactory = _ => 100_000 };
        var latencyMode = new Option<GCLatencyMode>("--gc-latency-mode") { Description = "GCSettings.LatencyMode for the run (Batch, Interactive, SustainedLowLatency).", DefaultValueFactory = _ => GCSettings.LatencyMode };
        var pacedDuration = new Option<double?>("--paced-duration") { Description = "Seconds of the paced run at half the peak rate (default: twice --duration)." };
        var pacedPeriod = new Option<int>("--paced-period-us") { Description = "How often the paced generator wakes to send the queries that have fallen due (µs).", DefaultValueFactory = _ => PacedLoad.DefaultPeriodMicros };
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "The router's admission limit (RouterSettings.MaxInFlight).", DefaultValueFactory = _ => AgentRouter.Actors.Routing.RouterSettings.DefaultMaxInFlight };
        var maxBacklog = new Option<int>("--max-mailbox-backlog") { Description = "The router's mailbox admission bound (RouterSettings.MaxMailboxBacklog).", DefaultValueFactory = _ => AgentRouter.Actors.Routing.RouterSettings.DefaultMaxMailboxBacklog };
        var pacedRate = new Option<double?>("--paced-rate") { Description = "Queries/s of the paced run (default: half of this run's measured peak)." };
        var allocationProfile = new Option<bool>("--allocation-profile") { Description = "Sample which types the peak run allocates (GC AllocationTick events) and print their bytes per routed query." };
        var hocon = new Option<string?>("--hocon") { Description = "Extra Akka HOCON for the benchmarked actor system (e.g. dispatcher settings)." };
        var command = new Command("actors", "Router throughput and latency with zero-latency agents, next to a raw Akka Ask; then with injected crashes and timeouts.")
        {
            duration, warmup, clients, window, agents, panel, policy, merge, noFaults, hocon, feedbackCapacity, latencyMode, pacedDuration, pacedPeriod, maxInFlight, pacedRate, maxBacklog, allocationProfile,
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
                FeedbackCapacity: parseResult.GetValue(feedbackCapacity),
                PacedDuration: parseResult.GetValue(pacedDuration) is { } paced ? TimeSpan.FromSeconds(paced) : null,
                PacedPeriodMicros: parseResult.GetValue(pacedPeriod),
                MaxInFlight: parseResult.GetValue(maxInFlight),
                PacedRate: parseResult.GetValue(pacedRate),
                MaxMailboxBacklog: parseResult.GetValue(maxBacklog),
                AllocationProfile: parseResult.GetValue(allocationProfile));
            GCSettings.LatencyMode = parseResult.GetValue(latencyMode);
            var loadBefore = LoadAverage();
            var result = await ActorBenchmark.RunAsync(settings, line => Console.Error.WriteLine(line)).ConfigureAwait(false);
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
        static string Us(double x) => x.ToString("0.00", CultureInfo.InvariantCulture);
        static string Ratio(double x) => x.ToString("0.00", CultureInfo.InvariantCulture) + "×";
        var peak = r.Peak;
        var cpuRatio = peak.CpuMicrosPerQuery / r.CpuMicrosPerAsk;
        var wallRatio = r.AskPerSecond / peak.QueriesPerSecond;
        var lines = new List<string>
        {
            $"Setup: {settings.Agents} zero-latency simulated agents, panel k = {settings.Panel}, policy {settings.Policy}, merge {settings.Merge}, " +
            $"{settings.Clients} clients × {settings.Window} in flight, feedback ledger {settings.FeedbackCapacity:N0} entries (no feedback is sent, so it stays full), " +
            $"{Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, latency mode {GCSettings.LatencyMode}; " +
            $"closed-loop runs {settings.EffectiveDuration.TotalSeconds:0} s measured after {settings.EffectiveWarmup.TotalSeconds:0} s warm-up, paced run {settings.EffectivePacedDuration.TotalSeconds:0} s " +
            $"(the generator wakes every {settings.PacedPeriodMicros} µs and sends what has fallen due; latency from each query's due time), router admission limits {settings.MaxInFlight:N0} in flight and {settings.MaxMailboxBacklog:N0} waiting in its mailbox. " +
            $"Fault run: agent deadline {settings.EffectiveFaultDeadline.TotalMilliseconds:0} ms, query deadline {3 * settings.EffectiveFaultDeadline.TotalMilliseconds:0} ms, up to 2 retries per query, restarts without backoff.",
            "",
            "| measure | goal | measured | met |",
            "|---|---|---|---|",
            $"| raw Akka Ask round trips/s (same run) | — | {Rate(r.AskPerSecond)} | |",
            $"| bare 3-way fan-out-and-collect through one actor, per second (same load) | — | {Rate(r.BareFanOut.QueriesPerSecond)} | |",
            $"| **router queries/s at peak** (closed loop) | ≥ 300,000 | {Rate(peak.QueriesPerSecond)} | {Met(peak.QueriesPerSecond >= 300_000)} |",
            $"| router rate / raw Ask rate / bare fan-out rate (same run) | ≥ 50 % of bare | {Ratio(peak.QueriesPerSecond / r.AskPerSecond)} / {(peak.QueriesPerSecond / r.BareFanOut.QueriesPerSecond).ToString("P0", CultureInfo.InvariantCulture)} of bare | {Met(peak.QueriesPerSecond >= r.BareFanOut.QueriesPerSecond / 2)} |",
            $"| CPU time per raw Ask / per bare fan-out / per routed query (µs, all threads) | routed ≤ 2× bare | {Us(r.CpuMicrosPerAsk)} / {Us(r.BareFanOut.CpuMicrosPerQuery)} / {Us(peak.CpuMicrosPerQuery)} ({Ratio(peak.CpuMicrosPerQuery / r.BareFanOut.CpuMicrosPerQuery)} bare) | {Met(peak.CpuMicrosPerQuery <= 2 * r.BareFanOut.CpuMicrosPerQuery)} |",
            $"| per-query CPU cost / one raw Ask's | ≤ 6× | {Ratio(cpuRatio)} | {Met(cpuRatio <= 6)} |",
            $"| per-query wall-clock cost / one raw Ask's | ≤ 6× | {Ratio(wallRatio)} | {Met(wallRatio <= 6)} |",
            $"| estimate: queries/s two dedicated cores could carry (2 s of CPU / CPU per query) | (≥ 300,000) | {Rate(2e6 / peak.CpuMicrosPerQuery)} | estimate only |",
            $"| bytes allocated per routed query (whole process); per bare fan-out, same load | ≤ 400 | {peak.BytesPerQuery:N0}; bare {r.BareFanOut.BytesPerQuery:N0} | {Met(peak.BytesPerQuery <= 400)} |",
            $"| p50 / p90 / p99 / p99.9 at peak (closed loop, ms) | — | {peak.Latency} | |",
            $"| GCs gen0 / gen1 / gen2 during the peak run | — | {peak.Gc} | |",
            $"| **p50 / p90 / p99 / p99.9 at half the peak rate** ({Rate(r.PacedRate)}/s paced{(settings.PacedRate is null ? "" : ", rate fixed by --paced-rate")}, ms) | p99 ≤ 1 ms | {r.Paced.Latency} | {Met(r.Paced.Latency.P99 <= 1)} |",
            $"| paced run: answered / refused as overloaded / other failures | — | {r.Paced.Answered:N0} / {r.PacedOverloaded:N0} / {r.Paced.Failed - r.PacedOverloaded:N0} | |",
            $"| paced run: generator send lag p50 / p90 / p99 / p99.9 (ms) | — | {r.PacedSendLag} | |",
            $"| paced run: CPU per query (µs); GCs gen0 / gen1 / gen2 | no gen2 | {Us(r.Paced.CpuMicrosPerQuery)}; {r.Paced.Gc} | {Met(r.Paced.Gc.Gen2 == 0)} |",
            $"| harness reference: same generator, same rate, against an echo actor ({r.EchoPaced.Answered:N0} queries): p50 / p90 / p99 / p99.9 (ms) | — | {r.EchoPaced.Latency} | |",
            $"| harness reference: CPU per query (µs); send lag p99 (ms) | — | {Us(r.EchoPaced.CpuMicrosPerQuery)}; {r.EchoSendLag.P99:0.000} | |",
            $"| paced router p99 / echo harness p99 (same rate, same run) | ≤ 2× | {Ratio(r.Paced.Latency.P99 / r.EchoPaced.Latency.P99)} | {Met(r.Paced.Latency.P99 <= 2 * r.EchoPaced.Latency.P99)} |",
            $"| lost queries (no terminal reply), fault-free runs | 0 | {peak.Lost + r.Paced.Lost} | {Met(peak.Lost + r.Paced.Lost == 0)} |",
        };
        if (r.Faults is { } f)
        {
            lines.Add($"| with {settings.CrashRate:P0} crashes + {settings.TimeoutRate:P0} timeouts: queries/s | (reported) | {Rate(f.QueriesPerSecond)} | |");
            lines.Add($"| with faults: answered / failed (typed error) in the measured window | — | {f.Answered:N0} / {f.Failed:N0} | |");
            lines.Add($"| with faults: p50 / p90 / p99 / p99.9 (ms) | — | {f.Latency} | |");
            lines.Add($"| with faults: CPU per query (µs) | — | {Us(f.CpuMicrosPerQuery)} | |");
            lines.Add($"| with faults: retries / agent timeouts (whole run) | — | {r.FaultRetries:N0} / {r.FaultTimeouts:N0} | |");
            lines.Add($"| with faults: lost queries | 0 | {f.Lost} | {Met(f.Lost == 0)} |");
        }

        if (r.PeakAllocations.Count > 0)
        {
            lines.Add("");
            lines.Add("Allocation profile of the peak run (GC AllocationTick samples, one per ~100 KB; each type's share of the sampled bytes times the bytes per routed query):");
            lines.Add("");
            lines.Add("| type | share | ≈ bytes per routed query |");
            lines.Add("|---|---|---|");
            foreach (var share in r.PeakAllocations.Take(AllocationRows))
            {
                lines.Add($"| `{share.Type}` | {share.Share.ToString("P1", CultureInfo.InvariantCulture)} | {(share.Share * peak.BytesPerQuery).ToString("N0", CultureInfo.InvariantCulture)} |");
            }
        }

        return string.Join(Environment.NewLine, lines);
    }

    private const int AllocationRows = 20;

    // Other work on the machine changes every wall-clock figure, so the report states how busy it was.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Met(bool met) => met ? "yes" : "**no**";
}
