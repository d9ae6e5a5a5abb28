using System.Globalization;
using System.Text;
using AgentRouter.Core.Evaluation;
using AgentRouter.Core.Replay;
using ScottPlot;

namespace AgentRouter.Cli.Commands;

/// <summary>The router comparison of one task: cost-accuracy.png (every swept router's λ points and RouterBench
/// hull, the single models as labelled points, the zero router's hull and the oracle) and routers.md / routers.csv
/// (AIQ, accuracy at matched cost, the cheap-operating-point figures and RouteLLM's CPT/APGR).</summary>
internal static class RouterReport
{
    /// <summary>One row of the table.</summary>
    internal sealed record Row(string Router, string Kind, double? Aiq, double AccuracyAtBestSingleCost, double BestAccuracyWithinHalfCost,
        double BestAccuracyWithinFifthCost, StrongWeakSummary? Pair);

    public static IReadOnlyList<Row> Rows(ReplayReport report)
    {
        var bestSingle = report.Policies.First(p => p.Policy == ZeroRouter.Name); // carries best-single's cost and accuracy
        var cost = bestSingle.MeanCost;
        return report.Policies.Where(p => p.AiqPoints.Count > 0).Select(p =>
        {
            var hull = RouterBenchAiq.Hull(p.AiqPoints);
            double Within(double share) => p.AiqPoints.Where(point => point.Cost <= share * cost).Select(point => point.Accuracy).DefaultIfEmpty(double.NaN).Max();
            return new Row(p.Policy, p.Kind, p.Aiq, HullAt(hull, cost), Within(0.5), Within(0.2), report.StrongWeak.FirstOrDefault(pair => pair.Router == p.Policy));
        }).ToArray();
    }

    public static IReadOnlyList<string> Write(ReplayReport report, string directory)
    {
        var rows = Rows(report);
        var md = Path.Combine(directory, "routers.md");
        var csv = Path.Combine(directory, "routers.csv");
        File.WriteAllText(md, ToMarkdown(report, rows));
        File.WriteAllText(csv, ToCsv(rows));
        return [md, csv, Plot(report, Path.Combine(directory, "cost-accuracy.png"))];
    }

    private static string ToMarkdown(ReplayReport report, IReadOnlyList<Row> rows)
    {
        var best = report.Policies.First(p => p.Policy == ZeroRouter.Name);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Routers on {report.Source} ({report.Queries} queries)");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Best single model: {report.BestSingleAgent}, accuracy {best.Accuracy:0.0000} at {best.MeanCost:0.000000} $/query. ");
        text.AppendLine("acc@cost = the router's hull at that cost; ≤50 % / ≤20 % = the best λ point costing at most that share of the best single model's cost. " +
            "CPT/APGR: RouteLLM's, on the strong/weak pair, strong-win score P̂_strong − P̂_weak.");
        text.AppendLine();
        text.AppendLine("| router | kind | AIQ | acc@best-single cost | acc ≤50 % cost | acc ≤20 % cost | CPT(50 %) | CPT(80 %) | APGR |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Router} | {row.Kind} | {F(row.Aiq)} | {F(row.AccuracyAtBestSingleCost)} | {F(row.BestAccuracyWithinHalfCost)} | {F(row.BestAccuracyWithinFifthCost)} | {P(row.Pair?.Cpt50)} | {P(row.Pair?.Cpt80)} | {F(row.Pair?.Apgr)} |");
        }

        if (report.StrongWeak.Count > 0)
        {
            var pair = report.StrongWeak[0];
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Pair: strong {pair.Strong} ({pair.StrongAccuracy:0.00} %), weak {pair.Weak} ({pair.WeakAccuracy:0.00} %), {pair.Queries} queries.");
        }

        return text.ToString();
    }

    private static string ToCsv(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder("router,kind,aiq,acc_at_best_single_cost,acc_within_half_cost,acc_within_fifth_cost,cpt50,cpt80,apgr\n");
        foreach (var row in rows)
        {
            text.AppendLine(string.Join(',', row.Router, row.Kind, R(row.Aiq), R(row.AccuracyAtBestSingleCost), R(row.BestAccuracyWithinHalfCost),
                R(row.BestAccuracyWithinFifthCost), R(row.Pair?.Cpt50), R(row.Pair?.Cpt80), R(row.Pair?.Apgr)));
        }

        return text.ToString();
    }

    private static string Plot(ReplayReport report, string path)
    {
        var plot = new Plot();
        var cMax = report.Policies.Where(p => p.AiqPoints.Count > 0).Max(p => RouterBenchAiq.Hull(p.AiqPoints)[^1].Cost);
        foreach (var summary in report.Policies.Where(p => p.AiqPoints.Count > 0))
        {
            var hull = RouterBenchAiq.Hull(summary.AiqPoints).Append(new CostQualityPoint(0, cMax, RouterBenchAiq.Hull(summary.AiqPoints)[^1].Accuracy)).ToArray();
            var line = plot.Add.Scatter(hull.Select(p => p.Cost).ToArray(), hull.Select(p => p.Accuracy).ToArray());
            line.LegendText = summary.Aiq is { } aiq ? string.Create(CultureInfo.InvariantCulture, $"{summary.Policy} (AIQ {aiq:0.000})") : summary.Policy;
            line.MarkerSize = summary.Kind == "zero" ? 7 : 3;
            if (summary.Kind == "zero")
            {
                line.LinePattern = LinePattern.Dashed;
                line.LineWidth = 2;
                foreach (var point in summary.AiqPoints)
                {
                    var name = report.Agents[(int)point.CostWeight];
                    plot.Add.Text(name[(name.LastIndexOf('/') + 1)..], point.Cost, point.Accuracy).LabelFontSize = 9;
                }
            }
        }

        var oracle = report.Policies.FirstOrDefault(p => p.Policy == ReplayBaselines.Oracle);
        if (oracle is not null)
        {
            var marker = plot.Add.Marker(oracle.MeanCost, oracle.Accuracy, MarkerShape.FilledDiamond, 12);
            marker.LegendText = string.Create(CultureInfo.InvariantCulture, $"oracle ({oracle.Accuracy:0.000})");
        }

        plot.Title($"Cost–accuracy plane: {Path.GetFileName(report.Source)} ({report.Queries} test queries)");
        plot.XLabel("mean cost per query ($)");
        plot.YLabel("accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1200, 800);
        return path;
    }

    /// <summary>The hull's accuracy at a cost (linear between hull points, flat after the last; NaN before the first).</summary>
    internal static double HullAt(IReadOnlyList<CostQualityPoint> hull, double cost)
    {
        if (cost < hull[0].Cost)
        {
            return double.NaN;
        }

        for (var i = 1; i < hull.Count; i++)
        {
            if (cost <= hull[i].Cost)
            {
                var (a, b) = (hull[i - 1], hull[i]);
                return a.Accuracy + ((b.Accuracy - a.Accuracy) * (cost - a.Cost) / (b.Cost - a.Cost));
            }
        }

        return hull[^1].Accuracy;
    }

    private static string F(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "—";

    private static string P(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "—";

    private static string R(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
}
