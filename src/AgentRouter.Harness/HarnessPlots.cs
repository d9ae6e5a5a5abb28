using AgentRouter.Core.Harness;
using ScottPlot;

namespace AgentRouter.Harness;

/// <summary>The report's charts (ScottPlot): each agent's mean cost per call against its accuracy, and for
/// routed runs the policy's traffic share per agent over the run.</summary>
public static class HarnessPlots
{
    /// <returns>The path written, or null when no agent was scored (nothing to place on the accuracy axis).</returns>
    public static string? WriteCostAccuracy(HarnessReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var scored = report.Agents.Where(a => a.Accuracy is not null).ToList();
        if (scored.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        foreach (var agent in scored)
        {
            var point = plot.Add.Scatter(new[] { agent.MeanCost }, new[] { agent.Accuracy!.Value });
            point.MarkerSize = 9;
            point.LineWidth = 0;
            point.LegendText = $"{agent.Agent} ({agent.Accuracy!.Value:0.000}, ${agent.MeanCost:0.######})";
        }

        // Eleven names beside their points overlap where models cost alike; the legend keeps them readable.
        plot.ShowLegend(Alignment.LowerRight);

        plot.Title($"Cost and accuracy per agent ({Path.GetFileName(report.Dataset)}, {report.Items} items)");
        plot.XLabel("mean cost per call (US $)");
        plot.YLabel("accuracy");
        plot.SavePng(path, 1000, 650);
        return path;
    }

    /// <returns>The path written, or null for a run without routed calls.</returns>
    public static string? WriteTrafficShare(HarnessReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Traffic.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        var x = report.Traffic.Select(w => (double)(w.FirstQuery + w.Queries)).ToArray();
        foreach (var agent in report.Traffic.SelectMany(w => w.Share.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            var line = plot.Add.Scatter(x, report.Traffic.Select(w => w.Share.GetValueOrDefault(agent) * 100).ToArray());
            line.LegendText = agent;
        }

        plot.ShowLegend();
        plot.Title("Traffic share over the run (routed)");
        plot.XLabel("queries completed");
        plot.YLabel("share of panel seats (%)");
        plot.SavePng(path, 1000, 650);
        return path;
    }
}
