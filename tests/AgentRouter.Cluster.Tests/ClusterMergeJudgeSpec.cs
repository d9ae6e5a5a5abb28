using AgentRouter.Actors;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Actors.Protocol;

namespace AgentRouter.Cluster.Tests;

/// <summary>A node that runs both roles wires the LLM merge judge exactly as the in-process runtime does.</summary>
public sealed class ClusterMergeJudgeSpec
{
    private static AgentRouterOptions Runtime(string judge)
    {
        var options = new AgentRouterOptions { LlmMergeAgent = judge };
        foreach (var name in new[] { "a1", "a2", "judge" })
        {
            options.AddAgent(AgentRouterOptions.Manifest(name), new SimulatedBackend(new SimulatedBackendSettings(Seed: name.Length, Skill: 1.0)));
        }

        options.AddRouter(new Actors.Routing.RouterSettings("default", PanelSize: 2, MaxRetries: 0), "ema");
        return options;
    }

    [Fact]
    public async Task An_unknown_judge_is_refused_as_in_process()
    {
        var options = new ClusterNodeOptions([NodeRoles.Router, NodeRoles.Models], Runtime("no-such-agent"), Tuning: ClusterTuning.Fast);

        var error = await Assert.ThrowsAsync<ManifestValidationException>(() => ClusterNode.StartAsync(options));

        Assert.Contains(error.Errors, e => e.Field == "LlmMergeAgent");
    }

    [Fact]
    public async Task The_judge_on_the_node_performs_llm_merges()
    {
        await using var node = await ClusterNode.StartAsync(new ClusterNodeOptions([NodeRoles.Router, NodeRoles.Models], Runtime("judge"), Tuning: ClusterTuning.Fast));
        // The router learns its agents from membership, as on any node: wait until it has seen all three.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while ((await NodeStatus.CaptureAsync(node)).Agents.Count < 3)
        {
            Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20), "the router never saw the node's three agents");
            await Task.Delay(20);
        }

        var query = new Query("judged", "Which is prime? A) 4 B) 7 C) 9 D) 12", "math", Options: ["A", "B", "C", "D"]);

        var answered = await node.Client!.AskAsync(query, new AskOptions(MergeStrategy: MergeProtocol.LlmStrategy, Agents: ["a1", "a2"]));

        Assert.False(answered.MergeFellBack, answered.Answer.Rationale);
    }
}
