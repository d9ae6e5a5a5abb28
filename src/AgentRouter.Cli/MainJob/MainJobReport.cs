using System.Globalization;
using System.Text;
using ScottPlot;

namespace AgentRouter.Cli.MainJob;

/// <summary>The end-of-run table (per agent and per domain) and the report folder's plots.</summary>
internal static class MainJobReport
{
    private const int Window = 50;

    public static string Table(string policy, IReadOnlyList<MainJobRecord> records, MainJobOracle oracle)
    {
        ArgumentNullException.ThrowIfNull(oracle);
        var text = new StringBuilder();
        var merged = records.Count == 0 ? 0 : records.Count(record => record.MergedCorrect) / (double)records.Count;
        text.AppendLine(CultureInfo.InvariantCulture, $"policy {policy}: merged accuracy {merged:P1} over {records.Count} queries");
        var (bestAgent, bestAccuracy) = oracle.BestSingle;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"best single agent on these queries (every agent scored offline on all of them): {bestAgent} {bestAccuracy:P1}; merged − best = {100 * (merged - bestAccuracy):+0.0;-0.0} points");
        text.AppendLine("| agent | calls | accuracy | total cost | p50 latency learned from, ms |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var group in ByAgent(records))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key} | {group.Count()} | {group.Count(answer => answer.Correct) / (double)group.Count():P1} | {group.Sum(answer => answer.Cost):F4} | {Percentile(group.Select(answer => answer.LatencyMs), 0.5):F1} |");
        }

        var agents = records.SelectMany(record => record.Agents.Select(answer => answer.Agent)).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine();
        text.Append("| domain | queries | merged accuracy | best agent (offline accuracy) | runner-up | sent to best | sent to best, 2nd half | ")
            .AppendJoin(" | ", agents.Select(agent => agent + " share")).AppendLine(" |");
        text.Append("|---|---:|---:|---|---|---:|---:|").AppendJoin("", agents.Select(_ => "---:|")).AppendLine();
        foreach (var domain in records.GroupBy(record => record.Domain).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var calls = domain.SelectMany(record => record.Agents).ToList();
            text.Append(CultureInfo.InvariantCulture, $"| {domain.Key} | {domain.Count()} | {domain.Count(record => record.MergedCorrect) / (double)domain.Count():P1} | ");
            if (oracle.BestPerDomain.TryGetValue(domain.Key, out var best))
            {
                // The panel-1 figure: the share of this domain's queries whose panel included its best agent.
                // Over all the run's queries, and over its second half only (queries 151–300 of 300: has routing converged?).
                var sent = SentToBest(domain.ToList(), best.Agent);
                var secondHalf = SentToBest(domain.Where(record => record.Step >= records.Count / 2).ToList(), best.Agent);
                text.Append(CultureInfo.InvariantCulture, $"{best.Agent} ({best.Accuracy:P0}) | {RunnerUp(oracle, domain.Key)} | {sent:P0} | {secondHalf:P0} | ");
            }
            else
            {
                text.Append("– | – | – | – | ");
            }

            text.AppendJoin(" | ", agents.Select(agent => (calls.Count(call => call.Agent == agent) / (double)Math.Max(1, calls.Count)).ToString("P0", CultureInfo.InvariantCulture)));
            text.AppendLine(" |");
        }
        return text.ToString();
    }

    /// <summary>The wall-clock latency of every call: reported, never learned from unless <c>--measured-latency</c>; it
    /// varies with machine load, so this table differs between runs while <see cref="Table"/> does not.</summary>
    public static string MeasuredLatencyTable(IReadOnlyList<MainJobRecord> records)
    {
        var text = new StringBuilder();
        text.AppendLine("measured wall-clock latency (reported only; varies with machine load):");
        text.AppendLine("| agent | p50 ms | p99 ms |");
        text.AppendLine("|---|---:|---:|");
        foreach (var group in ByAgent(records))
        {
            var latencies = group.Select(answer => answer.MeasuredLatencyMs).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {Percentile(latencies, 0.5):F1} | {Percentile(latencies, 0.99):F1} |");
        }
        return text.ToString();
    }

    private static IEnumerable<IGrouping<string, AgentAnswerRecord>> ByAgent(IReadOnlyList<MainJobRecord> records) =>
        records.SelectMany(record => record.Agents).GroupBy(answer => answer.Agent).OrderBy(group => group.Key, StringComparer.Ordinal);

    private static double Percentile(IEnumerable<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];
    }

    private static string RunnerUp(MainJobOracle oracle, string domain) =>
        oracle.RunnerUpPerDomain.TryGetValue(domain, out var second)
            ? string.Create(CultureInfo.InvariantCulture, $"{second.Agent} ({second.Accuracy:P0})")
            : "–";

    private static double SentToBest(IReadOnlyList<MainJobRecord> records, string best) =>
        records.Count == 0 ? 0 : records.Count(record => record.Agents.Any(answer => answer.Agent == best)) / (double)records.Count;

    /// <summary>Writes accuracy-over-time.png and one traffic-share-&lt;domain&gt;.png per domain; returns the files.</summary>
    public static IReadOnlyList<string> WritePlots(string directory, string policy, IReadOnlyList<MainJobRecord> records)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        var accuracy = new Plot();
        var steps = records.Select(record => (double)record.Step + 1).ToArray();
        var rolling = records.Select((record, index) => Rolling(records, index, r => r.MergedCorrect ? 1 : 0)).ToArray();
        accuracy.Add.Scatter(steps, rolling).LegendText = $"{policy}: merged accuracy (last {Window})";
        accuracy.Title("Accuracy over time");
        accuracy.XLabel("query");
        accuracy.YLabel("accuracy");
        accuracy.ShowLegend();
        files.Add(Save(accuracy, Path.Combine(directory, "accuracy-over-time.png")));

        var agents = records.SelectMany(record => record.Agents.Select(answer => answer.Agent)).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var domain in records.Select(record => record.Domain).Distinct().Order(StringComparer.Ordinal))
        {
            var inDomain = records.Where(record => record.Domain == domain).ToList();
            var plot = new Plot();
            var xs = inDomain.Select(record => (double)record.Step + 1).ToArray();
            foreach (var agent in agents)
            {
                var share = inDomain.Select((record, index) => Rolling(inDomain, index, r => r.Agents.Count(a => a.Agent == agent) / (double)Math.Max(1, r.Agents.Count))).ToArray();
                plot.Add.Scatter(xs, share).LegendText = agent;
            }
            plot.Title($"Traffic share in {domain} ({policy})");
            plot.XLabel("query");
            plot.YLabel($"share of panel seats (last {Window} {domain} queries)");
            plot.ShowLegend();
            files.Add(Save(plot, Path.Combine(directory, $"traffic-share-{domain}.png")));
        }
        return files;
    }

    private static double Rolling(IReadOnlyList<MainJobRecord> records, int index, Func<MainJobRecord, double> value)
    {
        var start = Math.Max(0, index - Window + 1);
        var sum = 0.0;
        for (var i = start; i <= index; i++)
        {
            sum += value(records[i]);
        }
        return sum / (index - start + 1);
    }

    private static string Save(Plot plot, string path)
    {
        plot.SavePng(path, 900, 500);
        return path;
    }
}
