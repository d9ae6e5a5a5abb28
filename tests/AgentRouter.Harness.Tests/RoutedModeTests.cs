using AgentRouter.Core.Harness;
using AgentRouter.Core.Replay;
using AgentRouter.Hosting;

namespace AgentRouter.Harness.Tests;

/// <summary>Routed mode (<c>--policy/--panel/--merge</c>) and collection mode over manifests (<c>--agents DIR</c>): the
/// harness drives an in-process runtime started through the composition root, here over three <c>recorded</c> agents of
/// the real ARC file, so every answer, score and cost can be checked against the file.</summary>
public sealed class RoutedModeTests
{
    private const int Items = 40;

    /// <summary>Agent name → the file's model column (manifest names may not contain '/').</summary>
    private static readonly Dictionary<string, string> Models = new(StringComparer.Ordinal)
    {
        ["gpt-4"] = "gpt-4-1106-preview", ["claude-v1"] = "claude-v1", ["mistral-7b"] = "mistralai/mistral-7b-chat",
    };

    private static readonly ReplayWorkload Source = RouterBenchReader.Read(HarnessTestPaths.ArcTest, new ReplayReadOptions());

    [Fact]
    public async Task Routed_run_records_each_panel_with_the_recorded_answers_and_feeds_every_score_back()
    {
        using var folder = new TemporaryFolder();
        var options = new HarnessRunOptions(HarnessTestPaths.ArcTest, folder.Sub("run"), Concurrency: 4, Limit: Items);
        var routing = new HarnessRuntimeOptions("ema", PanelSize: 3, Merge: "majority");
        var runtimeOptions = HarnessRuntime.Options(options, routing, WriteManifests(folder.Sub("agents")), null);
        await using var runtime = await AgentRouterHost.StartRuntimeAsync(runtimeOptions);
        var target = new RouterTarget(runtime.Client, HarnessRuntime.RouterName, "router:ema", true, routing.PanelSize, routing.Merge, options.Concurrency);

        var result = await HarnessSession.RunAsync(options, [target], null, null, CancellationToken.None);

        Assert.Equal(HarnessStop.Completed, result.Run.Stop);
        Assert.Equal(Items, result.Run.Records.Count);
        foreach (var record in result.Run.Records)
        {
            Assert.True(record.Succeeded, record.Error);
            Assert.Equal("router:ema", record.Agent);
            Assert.Equal(Models.Keys.Order(StringComparer.Ordinal), record.Panel!.Order(StringComparer.Ordinal));
            var item = Source.Items.Single(i => i.Query.Id == record.Id);
            foreach (var member in record.Members!)
            {
                Assert.True(Source.TryGetAgentIndex(Models[member.Agent], out var agent));
                var recorded = item.AnswerOf(agent);
                Assert.Equal(recorded?.Response, member.Response);
                Assert.Equal(recorded?.Cost ?? 0, member.Cost);
                if (recorded is { Response: not null } answer)
                {
                    Assert.Equal(answer.Quality, member.Correct);
                }
            }

            Assert.Equal(record.Members!.Sum(m => m.Cost), record.Cost, 12);
        }

        // Every score went back to the router as feedback: nothing is left waiting for it.
        var stats = (await runtime.Client.GetStatsAsync()).Single(s => s.Router == HarnessRuntime.RouterName);
        Assert.Equal(Items, stats.Answered);
        Assert.Equal(0, stats.PendingFeedback);

        // The outcomes CSV has the router's column and one per member, which replay reads.
        var written = RouterBenchReader.Read(result.OutcomesPath, new ReplayReadOptions());
        Assert.Equal(Models.Keys.Append("router:ema").Order(StringComparer.Ordinal), written.Agents.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Collection_over_manifests_reproduces_each_agent_of_the_file()
    {
        using var folder = new TemporaryFolder();
        var options = new HarnessRunOptions(HarnessTestPaths.ArcTest, folder.Sub("run"), Concurrency: 4, Limit: Items);
        var runtimeOptions = HarnessRuntime.Options(options, new HarnessRuntimeOptions(), WriteManifests(folder.Sub("agents")), null);
        await using var runtime = await AgentRouterHost.StartRuntimeAsync(runtimeOptions);
        var targets = HarnessRuntime.AgentNames(runtimeOptions)
            .Select(a => (IHarnessTarget)new RouterTarget(runtime.Client, "agent:" + a, a, false, 1, null, options.Concurrency)).ToList();

        var result = await HarnessSession.RunAsync(options, targets, null, null, CancellationToken.None);

        Assert.Equal(HarnessStop.Completed, result.Run.Stop);
        Assert.Equal(Items * Models.Count, result.Run.Records.Count);
        var written = RouterBenchReader.Read(result.OutcomesPath, new ReplayReadOptions());
        foreach (var (name, model) in Models)
        {
            Assert.True(Source.TryGetAgentIndex(model, out var source));
            Assert.True(written.TryGetAgentIndex(name, out var own));
            for (var i = 0; i < Items; i++)
            {
                Assert.Equal(Cells(Source.Items[i].AnswerOf(source)), Cells(written.Items[i].AnswerOf(own)));
            }
        }
    }

    /// <summary>What the file records (latencies are modelled by the reader, not recorded).</summary>
    private static (double Quality, double Cost, string? Response, string? Choice)? Cells(RecordedAnswer? answer) =>
        answer is { } a ? (a.Quality, a.Cost, a.Response, a.Choice) : null;

    private static string WriteManifests(string directory)
    {
        foreach (var (name, model) in Models)
        {
            File.WriteAllText(Path.Combine(directory, name + ".json"), $$$"""
                {"name": "{{{name}}}", "backend": "recorded", "capacity": 8, "settings": {"file": "{{{HarnessTestPaths.ArcTest}}}", "model": "{{{model}}}"}}
                """);
        }

        return directory;
    }
}
