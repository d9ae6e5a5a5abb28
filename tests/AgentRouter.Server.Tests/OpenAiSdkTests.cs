using System.ClientModel;
using System.Text;
using System.Text.Json;
using AgentRouter.Server.Hosting;
using OpenAI;
using OpenAI.Chat;

namespace AgentRouter.Server.Tests;

/// <summary>The official OpenAI .NET SDK against the server over real HTTP on loopback.</summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private AgentRouterServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ChatClient Client(string model) =>
        new(model, new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = TestServer.V1(_server) });

    [Fact]
    public async Task Chat_returns_the_merged_answer_usage_and_the_extension_object()
    {
        var result = await Client("router").CompleteChatAsync([new UserChatMessage("Which is prime?\nA) 4\nB) 7\nC) 9\nD) 12")]);
        var completion = result.Value;
        Assert.Equal("router", completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        var text = completion.Content[0].Text;
        Assert.Contains(text, new[] { "A", "B", "C", "D" });
        Assert.True(completion.Usage.InputTokenCount > 0 && completion.Usage.OutputTokenCount > 0);

        using var raw = JsonDocument.Parse(result.GetRawResponse().Content.ToString());
        var ext = raw.RootElement.GetProperty("agentrouter");
        Assert.Equal(completion.Id, ext.GetProperty("query_id").GetString());
        Assert.Equal(3, ext.GetProperty("panel").GetArrayLength());
        Assert.Equal(3, ext.GetProperty("analyses").GetArrayLength());
        Assert.Equal(4, ext.GetProperty("decision").GetProperty("scores").GetArrayLength());
        Assert.Equal("majority", ext.GetProperty("merge").GetProperty("strategy").GetString());
        Assert.Equal(text, ext.GetProperty("merge").GetProperty("text").GetString());
        var votes = ext.GetProperty("merge").GetProperty("votes").EnumerateObject().Sum(v => v.Value.GetDouble());
        Assert.Equal(3, votes);
    }

    [Fact]
    public async Task Streaming_a_single_agent_yields_its_tokens_and_a_stop()
    {
        var text = new StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        await foreach (var update in Client("sim-generalist").CompleteChatStreamingAsync([new UserChatMessage("Pick one of A, B, C, D")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Contains(text.ToString(), new[] { "A", "B", "C", "D" });
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.True(updates >= 3, $"expected decision, token and final chunks, got {updates}");
    }

    [Fact]
    public async Task Streaming_a_router_panel_delivers_the_merged_answer()
    {
        var text = new StringBuilder();
        await foreach (var update in Client("router:pheromone-amro").CompleteChatStreamingAsync([new UserChatMessage("Pick one of A, B, C, D")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Contains(text.ToString(), new[] { "A", "B", "C", "D" });
    }

    [Fact]
    public async Task Unknown_model_is_a_404_in_openai_error_shape()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client("no-such-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, error.Status);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        Assert.Equal("model_not_found", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("model", body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Out_of_range_max_tokens_is_a_400_naming_the_field()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client("router").CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 10_000_000 }));
        Assert.Equal(400, error.Status);
        Assert.Contains("max_completion_tokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_lists_agents_and_routers()
    {
        var models = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = TestServer.V1(_server) }).GetOpenAIModelClient();
        var ids = (await models.GetModelsAsync()).Value.Select(m => m.Id).ToList();
        Assert.Contains("router", ids);
        Assert.Contains("router:pheromone-amro", ids);
        Assert.Contains("sim-math", ids);
    }

    [Fact]
    public async Task Every_listed_model_answers()
    {
        using var http = TestServer.Client(_server);
        using var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        var ids = list.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
        Assert.True(ids.Count >= 10, $"expected the routers of every preset and the agents, got {string.Join(", ", ids)}");
        foreach (var id in ids)
        {
            var answer = await TestServer.PostJsonAsync(http, "/v1/chat/completions", TestServer.Chat(id, "Which?\nA) one\nB) two\nC) three"));
            Assert.Equal(id, answer.GetProperty("model").GetString());
        }
    }

    [Fact]
    public async Task Feedback_is_accepted_once_and_unknown_ids_are_404()
    {
        var completion = (await Client("router").CompleteChatAsync([new UserChatMessage("A, B, C or D?")])).Value;
        using var http = TestServer.Client(_server);
        var accepted = await TestServer.PostJsonAsync(http, "/v1/feedback", $$"""{"query_id":"{{completion.Id}}","choice":"A"}""");
        Assert.True(accepted.GetProperty("accepted").GetBoolean());
        Assert.Equal(3, accepted.GetProperty("rewards").EnumerateObject().Count());
        var duplicate = await TestServer.PostJsonAsync(http, "/v1/feedback", $$"""{"query_id":"{{completion.Id}}","correct":true}""", 409);
        Assert.Equal("duplicate_feedback", duplicate.GetProperty("error").GetProperty("code").GetString());
        var unknown = await TestServer.PostJsonAsync(http, "/v1/feedback", """{"query_id":"chatcmpl-never","reward":1}""", 404);
        Assert.Equal("unknown_query", unknown.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Route_returns_the_decision_without_an_answer()
    {
        using var http = TestServer.Client(_server);
        var decision = await TestServer.PostJsonAsync(http, "/v1/route", TestServer.Chat("router:ucb1", "A or B?"));
        Assert.Equal("agentrouter.route", decision.GetProperty("object").GetString());
        Assert.Equal("ucb1", decision.GetProperty("policy").GetString());
        Assert.Equal(3, decision.GetProperty("panel").GetArrayLength());
        Assert.False(decision.TryGetProperty("choices", out _));
        var id = decision.GetProperty("query_id").GetString();
        var rejected = await TestServer.PostJsonAsync(http, "/v1/feedback", $$"""{"query_id":"{{id}}","reward":1}""", 404);
        Assert.Equal("unknown_query", rejected.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, _server.Dashboard.Snapshot()["queries"]!.GetValue<long>());
        Assert.All(_server.Runtime.Runtime.Agents, agent => Assert.Equal(0, agent.Vitals.InFlight));
    }

    [Fact]
    public async Task Health_readiness_and_metrics_report_traffic()
    {
        await Client("router").CompleteChatAsync([new UserChatMessage("A or B?")]);
        using var http = TestServer.Client(_server);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("agentrouter_http_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("endpoint=\"/v1/chat/completions\"", metrics, StringComparison.Ordinal);
        Assert.Contains("agentrouter_http_request_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("agentrouter_agent_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("agentrouter_policy_value{", metrics, StringComparison.Ordinal);
        Assert.Contains("agentrouter_agent_load{", metrics, StringComparison.Ordinal);
    }
}
