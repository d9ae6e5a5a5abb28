using System.Diagnostics;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Hosting.Tests;

/// <summary><c>node</c>, as the CLI starts it, hosts <c>remote</c> agents: a cluster node whose one agent is a second
/// <c>serve</c> on loopback answers over its own HTTP endpoint.</summary>
public sealed class NodeRemoteAgentTests : IDisposable
{
    private readonly string _agents = Directory.CreateTempSubdirectory("agentrouter-remote-agents-").FullName;

    [Fact]
    public async Task A_node_with_a_remote_agent_pointing_at_a_second_serve_answers_a_chat_completion()
    {
        await using var upstream = await AgentRouterHost.StartServerAsync(Http.Loopback(o => o.BuiltInAgents = true));
        var manifest = new JsonObject
        {
            ["name"] = "upstream",
            ["backend"] = "remote",
            ["tags"] = new JsonArray("remote"),
            ["cost"] = new JsonObject { ["perCall"] = 0.001 },
            ["expectedLatencyMs"] = 50,
            ["capacity"] = 4,
            ["queueLimit"] = 64,
            ["settings"] = new JsonObject { ["endpoint"] = new Uri(upstream.BaseAddress, "/v1").ToString(), ["model"] = "sim-math" },
        };
        await File.WriteAllTextAsync(Path.Combine(_agents, "upstream.json"), manifest.ToJsonString());

        var runtime = new AgentRouterOptions { AgentsDirectory = _agents, PoliciesDirectory = Repository.Path("policies") };
        runtime.AddRouter(new RouterSettings("default", PanelSize: 1), "ema");
        await using var node = await AgentRouterHost.StartNodeAsync(new ClusterNodeOptions([NodeRoles.Router, NodeRoles.Models], runtime, Tuning: ClusterTuning.Fast));
        var serverOptions = Http.Loopback(o => o.Backend = ServerBackend.ForRouterNode(node.Client!, node.Routers, node.DefaultRouter!, node.Options.Runtime.Routers));
        await using var server = await AgentRouterHost.StartServerAsync(serverOptions);

        // Discovery through cluster membership is asynchronous: wait until the router sees the agent.
        var started = Stopwatch.GetTimestamp();
        while ((await NodeStatus.CaptureAsync(node)).Agents.Count == 0)
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "the node's router never saw its remote agent");
            await Task.Delay(20);
        }

        var completion = await Http.ChatAsync(server, "router", "What is 2 + 2? A) 3 B) 4 C) 5 D) 22");
        Assert.Equal([("upstream", "succeeded")], Http.Analyses(completion));
        Assert.Matches("^[ABCD]", completion["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    public void Dispose() => Directory.Delete(_agents, recursive: true);
}
