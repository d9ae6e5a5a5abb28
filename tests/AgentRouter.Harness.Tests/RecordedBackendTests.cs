using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Replay;
using AgentRouter.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AgentRouter.Harness.Tests;

/// <summary>The <c>recorded</c> backend kind and <c>serve --recorded</c>: RouterBench's recorded responses served as agents.</summary>
public sealed class RecordedBackendTests
{
    private static readonly ReplayWorkload Source = RouterBenchReader.Read(HarnessTestPaths.ArcTest, new ReplayReadOptions());

    [Fact]
    public async Task Serve_recorded_serves_each_model_column_with_its_recorded_responses_and_costs()
    {
        using var folder = new TemporaryFolder();
        await using var server = await HarnessTestPaths.ServeRecordedAsync(HarnessTestPaths.ArcTest, 0, folder.Sub("no-policies"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var models = JsonNode.Parse(await http.GetStringAsync(new Uri("/v1/models", UriKind.Relative)))!["data"]!.AsArray()
            .Where(m => m!["agentrouter"]?["kind"]?.GetValue<string>() == "agent").Select(m => m!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(11, Source.Agents.Count);
        Assert.Equal(Source.Agents.Select(a => a.Name).Order(StringComparer.Ordinal), models.Order(StringComparer.Ordinal));

        // Three models on items spread over the file: exactly the recorded words and cost, and the option letter in them.
        foreach (var (agent, from) in new[] { (0, 3), (5, 200), (10, 400) })
        {
            var item = Source.Items.Skip(from).First(i => i.AnswerOf(agent) is { Response: not null });
            var recorded = item.AnswerOf(agent)!.Value;
            using var response = await http.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), Chat(Source.Agents[agent].Name, item.Query.Text));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var analysis = body["agentrouter"]!["analyses"]![0]!;
            Assert.Equal(Source.Agents[agent].Name, analysis["agent"]!.GetValue<string>());
            Assert.Equal(recorded.Response, analysis["text"]!.GetValue<string>());
            Assert.Equal(recorded.Cost, analysis["cost"]!.GetValue<double>());
        }

        // A prompt the file does not hold is a failed call, never an invented answer.
        using var unknown = await http.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), Chat(Source.Agents[0].Name, "What is the capital of Atlantis?"));
        Assert.Equal(HttpStatusCode.BadGateway, unknown.StatusCode);
    }

    [Fact]
    public async Task A_recorded_manifest_with_bad_settings_is_refused_naming_file_and_field()
    {
        using var folder = new TemporaryFolder();
        var agents = folder.Sub("agents");
        await File.WriteAllTextAsync(Path.Combine(agents, "nofile.json"), """{"name": "a", "backend": "recorded", "settings": {}}""");
        await File.WriteAllTextAsync(Path.Combine(agents, "column.json"), $$$"""{"name": "b", "backend": "recorded", "settings": {"file": "{{{HarnessTestPaths.ArcTest}}}", "model": "gpt-5"}}""");
        await File.WriteAllTextAsync(Path.Combine(agents, "unknown.json"), $$$"""{"name": "c", "backend": "recorded", "settings": {"file": "{{{HarnessTestPaths.ArcTest}}}", "model": "gpt-4-1106-preview", "latencyScale": -1, "speed": 2}}""");
        await File.WriteAllTextAsync(Path.Combine(agents, "missing.json"), """{"name": "d", "backend": "recorded", "settings": {"file": "no-such.csv"}}""");

        var error = await Assert.ThrowsAsync<ManifestValidationException>(() =>
            AgentRouterHost.StartRuntimeAsync(new AgentRouterOptions { AgentsDirectory = agents }));

        Assert.Contains(error.Errors, e => e.File.EndsWith("nofile.json", StringComparison.Ordinal) && e.Field == "settings.file");
        Assert.Contains(error.Errors, e => e.File.EndsWith("column.json", StringComparison.Ordinal) && e.Field == "settings.model" && e.Message.Contains("gpt-5", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.File.EndsWith("unknown.json", StringComparison.Ordinal) && e.Field == "settings.latencyScale");
        Assert.Contains(error.Errors, e => e.File.EndsWith("unknown.json", StringComparison.Ordinal) && e.Field == "settings.speed");
        Assert.Contains(error.Errors, e => e.File.EndsWith("missing.json", StringComparison.Ordinal) && e.Field == "settings.file" && e.Message.Contains("no-such.csv", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Latency_scale_waits_the_modelled_latency_on_the_composition_clock()
    {
        var time = new FakeTimeProvider();
        var manifest = RecordedBackendSettings.ManifestsFor(HarnessTestPaths.ArcTest, latencyScale: 2)[0];
        var errors = new List<ManifestError>();
        var backend = RecordedBackendSettings.Factory(time)(manifest, errors);
        Assert.Empty(errors);
        Assert.True(Source.TryGetAgentIndex(manifest.Name, out var agent));
        var item = Source.Items.First(i => i.AnswerOf(agent) is { Response: not null });
        var recorded = item.AnswerOf(agent)!.Value;

        var answer = backend!.AnalyzeAsync(manifest.Name, item.Query, null, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(recorded.LatencyMs * 2 * 0.99));
        Assert.False(answer.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(recorded.LatencyMs * 2 * 0.02));
        var analysis = await answer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(recorded.Response, analysis.Text);
        Assert.Equal(recorded.Choice, analysis.Choice);
    }

    private static JsonObject Chat(string model, string content) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        ["stream"] = false,
    };
}
