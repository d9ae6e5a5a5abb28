using AgentRouter.Actors;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.SemanticKernel.Remote;
using Microsoft.Extensions.AI;

namespace AgentRouter.Server.Tests;

/// <summary>Remote model agents: a second server instance as an agent of the first, over real HTTP.</summary>
public sealed class RemoteAgentTests
{
    private static AgentManifest Remote(string name, string endpoint, JsonObject? extra = null, CostModel? cost = null)
    {
        var settings = new JsonObject { ["endpoint"] = endpoint, ["model"] = "router", ["maxRetries"] = 2, ["retryBaseDelayMs"] = 1, ["deadlineMs"] = 5000 };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value?.DeepClone();
        }

        return AgentManifestLoader.Parse(new JsonObject
        {
            ["name"] = name, ["backend"] = "remote", ["capacity"] = 16,
            ["cost"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(cost ?? new CostModel(0, 0.001, 0.002), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))),
            ["settings"] = settings,
        }.ToJsonString(), name + ".json").Manifests.Single();
    }

    [Fact]
    public async Task A_query_crosses_http_to_a_second_server_acting_as_an_agent()
    {
        await using var upstream = await TestServer.StartAsync();
        await using var front = await TestServer.StartAsync(o => o.ConfigureRuntime = runtime =>
            runtime.AddAgent(Remote("upstream", TestServer.V1(upstream).ToString())));
        using var http = TestServer.Client(front);

        var direct = await TestServer.PostJsonAsync(http, "/v1/chat/completions", TestServer.Chat("upstream", "A, B, C or D?"));
        var analysis = direct.GetProperty("agentrouter").GetProperty("analyses")[0];
        Assert.Equal("upstream", analysis.GetProperty("agent").GetString());
        Assert.Equal("succeeded", analysis.GetProperty("status").GetString());
        Assert.Contains(analysis.GetProperty("choice").GetString(), new[] { "A", "B", "C", "D" });
        Assert.True(analysis.GetProperty("cost").GetDouble() > 0, "cost comes from the manifest's per-token prices");
        Assert.Equal(1, upstream.Dashboard.Snapshot()["queries"]!.GetValue<long>());

        // Streaming through the front server streams the upstream server's answer.
        using var streamRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "upstream", stream = true, messages = new[] { new { role = "user", content = "A or B?" } } }),
        };
        using var streamed = await http.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        var body = await streamed.Content.ReadAsStringAsync();
        Assert.Contains("data: [DONE]", body, StringComparison.Ordinal);
        Assert.Equal(2, upstream.Dashboard.Snapshot()["queries"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_unreachable_remote_agent_is_retried_then_fails_the_query_as_a_typed_502()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        RemoteChatBackend? backend = null;
        await using var front = await TestServer.StartAsync(o => o.ConfigureRuntime = runtime =>
        {
            var manifest = Remote("dead", $"http://127.0.0.1:{port}/v1");
            var errors = new List<ManifestError>();
            var settings = RemoteAgentSettings.FromManifest(manifest, errors)!;
            backend = new RemoteChatBackend(RemoteBackendRegistration.CreateOpenAiClient(settings), settings);
            runtime.AddAgent(manifest, backend);
        });
        using var http = TestServer.Client(front);
        var error = await TestServer.PostJsonAsync(http, "/v1/chat/completions", TestServer.Chat("dead", "A?"), 502);
        Assert.Equal("agents_failed", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(3, backend!.Attempts);
    }

    [Fact]
    public async Task A_failing_remote_agent_loses_score_in_the_policy_while_the_panel_still_answers()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var front = await TestServer.StartAsync(o => o.ConfigureRuntime = runtime =>
            runtime.AddAgent(Remote("dead", $"http://127.0.0.1:{port}/v1")));
        using var http = TestServer.Client(front);
        const string body = """{"model":"router:ema-orch","messages":[{"role":"user","content":"Which?\nA) 1\nB) 2"}],"agentrouter":{"panel_size":5}}""";

        double Score(System.Text.Json.JsonElement answer, string agent) =>
            answer.GetProperty("agentrouter").GetProperty("decision").GetProperty("scores").EnumerateArray()
                .Single(s => s.GetProperty("agent").GetString() == agent).GetProperty("score").GetDouble();

        var first = await TestServer.PostJsonAsync(http, "/v1/chat/completions", body);
        Assert.Equal("failed", first.GetProperty("agentrouter").GetProperty("analyses").EnumerateArray()
            .Single(a => a.GetProperty("agent").GetString() == "dead").GetProperty("status").GetString());
        var before = Score(first, "dead") - Score(first, "sim-generalist");
        System.Text.Json.JsonElement last = first;
        for (var i = 0; i < 5; i++)
        {
            last = await TestServer.PostJsonAsync(http, "/v1/chat/completions", body);
        }

        var after = Score(last, "dead") - Score(last, "sim-generalist");
        Assert.True(after < before - 0.05, $"the dead agent's score relative to a healthy one went from {before:0.###} to {after:0.###}");
    }

    [Fact]
    public async Task Transient_errors_are_retried_with_backoff_and_permanent_ones_are_not()
    {
        var settings = RemoteAgentSettings.FromManifest(Remote("flaky", "http://127.0.0.1:1/v1"), [])!;
        var flaky = new ScriptedChatClient(new HttpRequestException("connection refused"), new HttpRequestException("503", null, System.Net.HttpStatusCode.ServiceUnavailable));
        var analysis = await new RemoteChatBackend(flaky, settings).AnalyzeAsync("flaky", new Query("q1", "A or B?", Options: ["A", "B"]), null, CancellationToken.None);
        Assert.Equal("B", analysis.Choice);
        Assert.Equal(3, flaky.Calls);

        var denied = new ScriptedChatClient(new HttpRequestException("401", null, System.Net.HttpStatusCode.Unauthorized));
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await new RemoteChatBackend(denied, settings).AnalyzeAsync("flaky", new Query("q2", "A?"), null, CancellationToken.None));
        Assert.Equal(1, denied.Calls);
    }

    [Fact]
    public void Manifest_errors_name_the_file_and_field()
    {
        var errors = new List<ManifestError>();
        var manifest = Remote("bad", "ftp://nowhere", new JsonObject { ["apiKeyEnv"] = "AGENTROUTER_TEST_KEY_THAT_IS_NOT_SET", ["maxRetries"] = -1, ["colour"] = "red" });
        Assert.Null(RemoteAgentSettings.FromManifest(manifest, errors, _ => null));
        var fields = errors.Select(e => e.Field).ToHashSet();
        Assert.Contains("settings.endpoint", fields);
        Assert.Contains("settings.apiKeyEnv", fields);
        Assert.Contains("settings.maxRetries", fields);
        Assert.Contains("settings.colour", fields);
        Assert.All(errors, e => Assert.Equal("bad.json", e.File));
        Assert.Contains(errors, e => e.Message.Contains("AGENTROUTER_TEST_KEY_THAT_IS_NOT_SET", StringComparison.Ordinal));
    }

    [Fact]
    public void Remote_manifests_start_through_the_registered_backend_kind()
    {
        var composition = AgentRouterComposition.Create(compose => compose.AddRemoteBackends());
        var errors = new List<ManifestError>();
        Assert.True(composition.TryGetBackendFactory(RemoteBackendRegistration.Kind, out var factory));
        var backend = factory(Remote("ok", "http://127.0.0.1:9/v1"), errors);
        Assert.Empty(errors);
        Assert.IsType<RemoteChatBackend>(backend);
        Assert.Equal(16, backend!.Capacity);
    }

    /// <summary>Throws the scripted errors in turn, then answers "B".</summary>
    private sealed class ScriptedChatClient(params Exception[] failures) : IChatClient
    {
        public int Calls { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var call = Calls++;
            return call < failures.Length
                ? Task.FromException<ChatResponse>(failures[call])
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "The answer is B.")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the retry test does not stream");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
