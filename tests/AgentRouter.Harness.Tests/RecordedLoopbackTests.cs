using AgentRouter.Core.Harness;
using AgentRouter.Core.Replay;

namespace AgentRouter.Harness.Tests;

/// <summary>Done-when: <c>serve</c> with the 11 recorded agents of the real ARC file, <c>harness run --all-agents</c>
/// against them over loopback HTTP; the written CSV gives every model exactly the source's accuracy and cost,
/// and replaying it equals replaying the source.</summary>
public sealed class RecordedLoopbackTests
{
    [Fact]
    public async Task All_agents_over_loopback_reproduce_the_source_file_exactly()
    {
        using var folder = new TemporaryFolder();
        await using var server = await HarnessTestPaths.ServeRecordedAsync(HarnessTestPaths.ArcTest, 0, folder.Sub("no-policies"));
        var options = new HarnessRunOptions(HarnessTestPaths.ArcTest, folder.Sub("run"), Endpoint: new Uri(server.BaseAddress, "/v1"),
            Concurrency: 8, Retry: new RetryPolicy(MaxRetries: 1, BaseDelay: TimeSpan.FromMilliseconds(1)));
        using var http = new HttpClient();
        var targets = await HarnessSession.EndpointTargetsAsync(options, http, null, CancellationToken.None);
        var result = await HarnessSession.RunAsync(options, targets, null, null, CancellationToken.None);

        var source = RouterBenchReader.Read(HarnessTestPaths.ArcTest, new ReplayReadOptions());
        var written = RouterBenchReader.Read(result.OutcomesPath, new ReplayReadOptions());
        Assert.Equal(HarnessStop.Completed, result.Run.Stop);
        Assert.Equal(source.Agents.Select(a => a.Name), targets.Select(t => t.Name));
        Assert.Equal(source.Agents.Select(a => a.Name), written.Agents.Select(a => a.Name));
        Assert.Equal(source.Items.Select(i => i.Query.Id), written.Items.Select(i => i.Query.Id));
        Assert.Equal(source.Load.EmptyCells, written.Load.EmptyCells);
        for (var agent = 0; agent < source.Agents.Count; agent++)
        {
            var (sourceAccuracy, sourceCost) = Totals(source, agent);
            var (writtenAccuracy, writtenCost) = Totals(written, agent);
            Assert.Equal(sourceAccuracy, writtenAccuracy);
            Assert.Equal(sourceCost, writtenCost);
            Assert.Equal(sourceAccuracy, result.Report.Agents.Single(a => a.Agent == source.Agents[agent].Name).Accuracy);
            for (var i = 0; i < source.Items.Count; i++)
            {
                Assert.Equal(source.Items[i].AnswerOf(agent), written.Items[i].AnswerOf(agent));
            }
        }

        // Every call streamed, so every successful one has a time to first token.
        Assert.All(result.Run.Records.Where(r => r.Succeeded), r => Assert.NotNull(r.TtftMs));
        Assert.True(File.Exists(Path.Combine(options.OutputDirectory, "cost-accuracy.png")));

        string[] policies = ["ema", "ucb1", "thompson", "oracle", "best-single"];
        foreach (var settings in new[] { new ReplaySettings(1, 1, "majority", 0), new ReplaySettings(2, 3, "majority", 0) })
        {
            Assert.Equal(Comparable(ReplayComparison.Run(source, settings, policies)), Comparable(ReplayComparison.Run(written, settings, policies)));
        }
    }

    private static (double Accuracy, double Cost) Totals(ReplayWorkload workload, int agent)
    {
        var answers = workload.Items.Select(i => i.AnswerOf(agent)).OfType<RecordedAnswer>().ToList();
        return (answers.Average(a => a.Quality), answers.Sum(a => a.Cost));
    }

    /// <summary>The report without what differs by design: the file name, creation time and measured decision time.</summary>
    private static string Comparable(ReplayReport report) => System.Text.Json.JsonSerializer.Serialize(report with
    {
        CreatedAt = DateTimeOffset.UnixEpoch,
        Source = "",
        Load = new ReplayLoadReport(),
        Policies = [.. report.Policies.Select(p => p with { MeanDecisionMicroseconds = 0 })],
    });
}
