using AgentRouter.Core.Harness;

namespace AgentRouter.Core.Tests.Harness;

public sealed class HarnessReportTests
{
    [Fact]
    public void Summaries_per_agent_and_task_and_traffic_share_over_time()
    {
        var records = new List<CallRecord>();
        for (var i = 0; i < 100; i++)
        {
            records.Add(CallLogTests.Record($"q{i}", "a", correct: i % 4 == 0 ? 0 : 1, cost: 0.01) with { Sequence = i, LatencyMs = i + 1, TaskType = i < 50 ? "x" : "y" });
        }

        records.Add(CallLogTests.Record("q0", "b") with { Sequence = 100, Succeeded = false, Correct = null, Cost = 0 });
        var report = HarnessReport.Build("data.csv", 100, records);
        var a = report.Agents.Single(s => s.Agent == "a");
        Assert.Equal((100, 0, 100, 0.75), (a.Calls, a.Failed, a.Scored, a.Accuracy!.Value));
        Assert.Equal(1.0, a.TotalCost, 9);
        Assert.Equal((50.0, 99.0), (a.LatencyP50Ms, a.LatencyP99Ms));
        var b = report.Agents.Single(s => s.Agent == "b");
        Assert.Equal((1, 1, null), (b.Calls, b.Failed, b.Accuracy));
        Assert.Equal(3, report.ByTask.Count);
        Assert.Empty(report.Traffic);

        var routed = Enumerable.Range(0, 20).Select(i => CallLogTests.Record($"q{i}", "router") with { Sequence = i, Panel = [i < 10 ? "a" : "b"] }).ToList();
        var traffic = HarnessReport.Build("data.csv", 20, routed, windows: 2).Traffic;
        Assert.Equal(2, traffic.Count);
        Assert.Equal(1.0, traffic[0].Share["a"]);
        Assert.Equal(1.0, traffic[1].Share["b"]);
        Assert.Contains("| router |", HarnessReport.Build("data.csv", 20, routed).ToMarkdown(), StringComparison.Ordinal);
    }
}
