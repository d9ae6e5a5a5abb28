using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AgentRouter.Actors.Routing;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Cluster.Tests;

/// <summary>The OpenAI-compatible server on a cluster router node: real HTTP on a free loopback port, the
/// answer produced by agents on another node, feedback through the Redis stream into the shared policy.</summary>
public sealed class ClusterHttpSpec(RedisFixture redis) : TestKit, IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_chat_completion_over_HTTP_on_the_router_node_is_answered_by_agents_on_a_models_node_and_its_feedback_is_applied()
    {
        var shared = StateHarness.OptionsFor(redis.Server, "cluster-http");
        await using var router = await ClusterNodes.Router([], new RouterSettings("default", PanelSize: 2), "ema", shared, nodeId: "router-http");
        await using var models = await ClusterNodes.Models(["b1", "b2"], [ClusterNodes.Address(router)]);
        var serverOptions = new ServerOptions
        {
            Backend = ServerBackend.ForRouterNode(router.Client!, router.Options.Runtime.Routers, router.DefaultRouter!),
        };
        serverOptions.Urls.Clear();
        serverOptions.Urls.Add("http://127.0.0.1:0");
        await using var server = await AgentRouterServer.StartAsync(serverOptions);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        var listed = await http.GetFromJsonAsync<JsonObject>(new Uri("/v1/models", UriKind.Relative));
        Assert.Equal(["router", "router:default"], listed!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));

        // Discovery of the remote agents is asynchronous; the API itself must not answer before it is complete.
        await AwaitConditionAsync(async () =>
            (await router.Directory!.Ask<ClusterAgentDirectoryActor.DirectoryContents>(ClusterAgentDirectoryActor.GetDirectory.Instance, TimeSpan.FromSeconds(5))).NodeByAgent.Count == 2,
            TimeSpan.FromSeconds(15));

        var response = await http.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), new JsonObject
        {
            ["model"] = "router",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is 2 + 2? A) 3 B) 4 C) 5 D) 22" }),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var completion = JsonNode.Parse(body)!;
        Assert.False(string.IsNullOrWhiteSpace(completion["choices"]![0]!["message"]!["content"]!.GetValue<string>()));
        var extension = completion["agentrouter"]!;
        Assert.Equal("default", extension["router"]!.GetValue<string>());
        var agents = extension["analyses"]!.AsArray().Select(a => (Agent: a!["agent"]!.GetValue<string>(), Status: a["status"]!.GetValue<string>())).ToList();
        Assert.Equal(["b1", "b2"], agents.Select(a => a.Agent).Order()); // the router node hosts no agent: both answered from the models node
        Assert.All(agents, a => Assert.Equal("succeeded", a.Status));

        // Decision only: the router node's policy picks the panel over the remote agents; no agent is called.
        var route = await http.PostAsJsonAsync(new Uri("/v1/route", UriKind.Relative), new JsonObject
        {
            ["model"] = "router:default",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Which? A) x B) y" }),
        });
        var decision = JsonNode.Parse(await route.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, route.StatusCode);
        Assert.Equal(["b1", "b2"], decision["panel"]!.AsArray().Select(a => a!.GetValue<string>()).Order());

        var queryId = completion["id"]!.GetValue<string>();
        var feedback = await http.PostAsJsonAsync(new Uri("/v1/feedback", UriKind.Relative), new JsonObject { ["query_id"] = queryId, ["choice"] = "B" });
        var feedbackBody = await feedback.Content.ReadAsStringAsync();
        Assert.True(feedback.StatusCode == HttpStatusCode.OK, feedbackBody);
        Assert.True(JsonNode.Parse(feedbackBody)!["accepted"]!.GetValue<bool>(), feedbackBody);

        // Accepted means queued on the stream; the router node's consumer then credits both panel agents.
        var policy = router.SharedPolicies["default"];
        await Eventually.Until(() => router.StateMonitor.Status().FeedbackApplied == 1 && policy.AppliedCount == 2, "the feedback reached the shared policy of the router");
    }
}
