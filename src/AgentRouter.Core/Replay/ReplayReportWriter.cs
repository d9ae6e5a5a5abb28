using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentRouter.Core.Replay;

/// <summary>Writes a replay report as report.json (everything), summary.csv (one row per policy, traffic
/// share per agent as columns) and report.md (tables and every assumption).</summary>
public static class ReplayReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(ReplayReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "report.json");
        var csv = Path.Combine(directory, "summary.csv");
        var markdown = Path.Combine(directory, "report.md");
        File.WriteAllText(json, JsonSerializer.Serialize(report, JsonOptions));
        File.WriteAllText(csv, ToCsv(report));
        File.WriteAllText(markdown, ToMarkdown(report));
        return [json, csv, markdown];
    }

    public static string ToCsv(ReplayReport report)
    {
        var text = new StringBuilder();
        text.Append("policy,kind,queries,accuracy,total_cost,mean_cost,cost_vs_best_single,accuracy_vs_best_single,aiq,cumulative_regret,mean_decision_us,abstained,gold_fallbacks");
        foreach (var agent in report.Agents)
        {
            text.Append(",traffic:").Append(Quote(agent));
        }

        text.Append('\n');
        foreach (var policy in report.Policies)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{Quote(policy.Policy)},{policy.Kind},{policy.Queries},{policy.Accuracy:R},{policy.TotalCost:R},{policy.MeanCost:R},{policy.CostVsBestSingle:R},{policy.AccuracyVsBestSingle:R},{(policy.Aiq is { } aiq ? aiq.ToString("R", CultureInfo.InvariantCulture) : string.Empty)},{policy.CumulativeRegret:R},{policy.MeanDecisionMicroseconds:R},{policy.Abstained},{policy.GoldFallbacks}");
            foreach (var agent in report.Agents)
            {
                text.Append(',').Append(policy.TrafficShare[agent].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public static string ToMarkdown(ReplayReport report)
    {
        var load = report.Load;
        var s = report.Settings;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Replay: {report.Source}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- format: {report.Format}; queries replayed: {report.Queries}; rows read: {load.RowsRead}; rows skipped as bad: {load.RowsSkipped}; rows with no candidate: {load.RowsWithoutCandidates}; duplicate ids renamed: {load.DuplicateIds}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- seed {s.Seed}; panel {s.PanelSize} (baselines: 1); merge {s.Merge}; feedback delay {s.FeedbackDelay} queries; AIQ λ grid {string.Join(", ", report.AiqGrid.Select(Number))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- online policies warmed up on: {report.Warmup ?? "nothing (empty start)"}");
        var aiqRule = report.AiqNormalisation == Evaluation.AiqNormalisation.RouterBench
            ? "RouterBench's (non-decreasing convex hull extended flat to the largest cost in this report, area ÷ that cost)"
            : "area over each router's own [c_min, c_max] ÷ (c_max − c_min)";
        text.AppendLine(CultureInfo.InvariantCulture, $"- AIQ: {aiqRule}; the zero row is the hull of the single models' points");
        text.AppendLine(CultureInfo.InvariantCulture, $"- best single agent in hindsight: {report.BestSingleAgent}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- multiple-choice queries: {load.MultipleChoiceQueries}, of which gold letter not inferable: {load.GoldUnknown} ({load.GoldUnknownNoneCorrect} because no agent was correct, {load.GoldUnknown - load.GoldUnknownNoneCorrect} because the correct answers did not parse to one letter)");
        text.AppendLine();
        text.AppendLine("| policy | kind | accuracy | total cost ($) | mean cost ($) | cost / best-single | acc / best-single | AIQ | cum. regret | decision µs | abstained |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in report.Policies)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Policy} | {p.Kind} | {p.Accuracy:0.0000} | {p.TotalCost:0.0000} | {p.MeanCost:0.000000} | {p.CostVsBestSingle:0.000} | {p.AccuracyVsBestSingle:0.000} | {(p.Aiq is { } aiq ? aiq.ToString("0.0000", CultureInfo.InvariantCulture) : "—")} | {p.CumulativeRegret:0.0} | {p.MeanDecisionMicroseconds:0.00} | {p.Abstained} |");
        }

        text.AppendLine();
        text.AppendLine("## Traffic share per agent");
        text.AppendLine();
        text.AppendLine("| policy | " + string.Join(" | ", report.Agents) + " |");
        text.AppendLine("|---|" + string.Concat(report.Agents.Select(_ => "---:|")));
        foreach (var p in report.Policies)
        {
            text.AppendLine($"| {p.Policy} | " + string.Join(" | ", report.Agents.Select(agent => p.TrafficShare[agent].ToString("0.000", CultureInfo.InvariantCulture))) + " |");
        }

        text.AppendLine();
        text.AppendLine("## Empty cells (agent not a candidate for that query)");
        text.AppendLine();
        text.AppendLine("| agent | queries without a usable record |");
        text.AppendLine("|---|---:|");
        foreach (var (agent, count) in load.EmptyCells)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {agent} | {count} |");
        }

        text.AppendLine();
        text.AppendLine("## Assumptions");
        text.AppendLine();
        foreach (var assumption in load.Assumptions)
        {
            text.AppendLine($"- {assumption}");
        }

        if (load.IgnoredColumns.Count > 0)
        {
            text.AppendLine($"- columns not used: {string.Join(", ", load.IgnoredColumns)}");
        }

        if (load.SkippedReasons.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Skipped rows (first reasons)");
            text.AppendLine();
            foreach (var reason in load.SkippedReasons)
            {
                text.AppendLine($"- {reason}");
            }
        }

        return text.ToString();
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
