using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentRouter.Core.Harness;

/// <summary>Totals of one agent (or one agent on one task).</summary>
/// <param name="Accuracy">Mean correctness over the scored calls; null when none was scored.</param>
public sealed record AgentSummary(
    string Agent,
    string? TaskType,
    int Calls,
    int Failed,
    int Scored,
    double? Accuracy,
    double TotalCost,
    double MeanCost,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double? TtftP50Ms);

/// <summary>A routed run's traffic share in one window of consecutive queries (completion order).</summary>
public sealed record TrafficWindow(int FirstQuery, int Queries, IReadOnlyDictionary<string, double> Share);

/// <summary>What a harness run measured, from its call records.</summary>
public sealed record HarnessReport(
    string Dataset,
    int Items,
    int Calls,
    double TotalCost,
    IReadOnlyList<AgentSummary> Agents,
    IReadOnlyList<AgentSummary> ByTask,
    IReadOnlyList<TrafficWindow> Traffic)
{
    /// <param name="windows">How many windows the traffic share over time is cut into (routed runs only).</param>
    public static HarnessReport Build(string dataset, int items, IReadOnlyList<CallRecord> records, int windows = 10)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ordered = records.OrderBy(r => r.Sequence).ToList();
        var agents = ordered.GroupBy(r => r.Agent).Select(g => Summarize(g.Key, null, g.ToList())).ToList();
        var byTask = ordered.GroupBy(r => (r.Agent, Task: r.TaskType ?? "(none)"))
            .OrderBy(g => g.Key.Agent, StringComparer.Ordinal).ThenBy(g => g.Key.Task, StringComparer.Ordinal)
            .Select(g => Summarize(g.Key.Agent, g.Key.Task, g.ToList())).ToList();
        return new HarnessReport(dataset, items, ordered.Count, ordered.Sum(r => r.Cost), agents, byTask, TrafficOverTime(ordered, windows));
    }

    private static AgentSummary Summarize(string agent, string? task, List<CallRecord> calls)
    {
        var scored = calls.Where(c => c.Succeeded && c.Correct is not null).ToList();
        var latencies = calls.Where(c => c.Succeeded).Select(c => c.LatencyMs).Order().ToArray();
        var ttfts = calls.Where(c => c.TtftMs is not null).Select(c => c.TtftMs!.Value).Order().ToArray();
        var cost = calls.Sum(c => c.Cost);
        return new AgentSummary(agent, task, calls.Count, calls.Count(c => !c.Succeeded), scored.Count,
            scored.Count == 0 ? null : scored.Average(c => c.Correct!.Value), cost, cost / calls.Count,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), ttfts.Length == 0 ? null : Percentile(ttfts, 0.50));
    }

    /// <summary>Nearest-rank percentile of sorted values (0 for none).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double quantile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static List<TrafficWindow> TrafficOverTime(List<CallRecord> ordered, int windows)
    {
        var routed = ordered.Where(r => r.Panel is { Count: > 0 }).ToList();
        var result = new List<TrafficWindow>();
        if (routed.Count == 0)
        {
            return result;
        }

        var size = Math.Max(1, (int)Math.Ceiling(routed.Count / (double)Math.Max(1, windows)));
        for (var first = 0; first < routed.Count; first += size)
        {
            var window = routed.Skip(first).Take(size).ToList();
            var picks = window.SelectMany(r => r.Panel!).ToList();
            var share = picks.GroupBy(a => a).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count() / (double)picks.Count);
            result.Add(new TrafficWindow(first, window.Count, share));
        }

        return result;
    }

    public void WriteJson(string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions(CallRecord.Json) { WriteIndented = true }));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"# Harness run on {Path.GetFileName(Dataset)}");
        text.AppendLine();
        text.AppendLine(invariant, $"{Items} items, {Calls} calls, total cost {TotalCost:0.######} $.");
        text.AppendLine();
        AppendTable(text, "Per agent", Agents, withTask: false);
        AppendTable(text, "Per agent and task", ByTask, withTask: true);
        if (Traffic.Count > 0)
        {
            var agents = Traffic.SelectMany(w => w.Share.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
            text.AppendLine("## Traffic share over time (routed)");
            text.AppendLine();
            text.AppendLine("| queries | " + string.Join(" | ", agents) + " |");
            text.AppendLine("|---|" + string.Concat(agents.Select(_ => "---:|")));
            foreach (var window in Traffic)
            {
                var shares = string.Join(" | ", agents.Select(a => (window.Share.GetValueOrDefault(a) * 100).ToString("0", invariant) + " %"));
                text.AppendLine(invariant, $"| {window.FirstQuery + 1}–{window.FirstQuery + window.Queries} | {shares} |");
            }
        }

        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, string title, IReadOnlyList<AgentSummary> rows, bool withTask)
    {
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"## {title}");
        text.AppendLine();
        text.AppendLine(withTask
            ? "| agent | task | calls | failed | accuracy | cost $ | $/call | p50 ms | p99 ms | TTFT p50 ms |"
            : "| agent | calls | failed | accuracy | cost $ | $/call | p50 ms | p99 ms | TTFT p50 ms |");
        text.AppendLine(withTask ? "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var task = withTask ? $" {row.TaskType} |" : string.Empty;
            text.AppendLine(invariant,
                $"| {row.Agent} |{task} {row.Calls} | {row.Failed} | {(row.Accuracy is { } a ? a.ToString("0.0000", invariant) : "—")} | {row.TotalCost:0.######} | {row.MeanCost:0.########} | {row.LatencyP50Ms:0.0} | {row.LatencyP99Ms:0.0} | {(row.TtftP50Ms is { } t ? t.ToString("0.0", invariant) : "—")} |");
        }

        text.AppendLine();
    }
}
