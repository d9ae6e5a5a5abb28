using System.Text;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using AgentRouter.Actors.Protocol;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Serialization;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cluster.Tests;

public sealed class SerializationTests : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.loglevel = WARNING
            """);
        _system = ActorSystem.Create("agentrouter", ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config)).And(ClusterSerialization.Setup()));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public void Every_cluster_message_type_is_bound_to_the_explicit_serializer_not_the_catch_all()
    {
        foreach (var type in ClusterMessages.Types)
        {
            var serializer = _system.Serialization.FindSerializerForType(type);
            Assert.True(serializer is ClusterMessageSerializer, $"{type.Name} is serialized by {serializer.GetType().Name}");
        }
    }

    [Fact]
    public void Every_cross_node_protocol_record_is_listed()
    {
        // Agent requests and replies are what crosses nodes on every query; missing one would fall back to the catch-all.
        var agentMessages = typeof(AgentProtocol).GetNestedTypes().Where(t => !t.IsEnum);
        foreach (var type in agentMessages.Concat(typeof(DiscoveryProtocol).GetNestedTypes().Where(t => t != typeof(DiscoveryProtocol.AgentAdvertisement))))
        {
            Assert.True(ClusterMessages.ManifestOf(type) is not null, $"{type.FullName} crosses nodes but has no manifest");
        }
    }

    [Fact]
    public void A_long_prompt_with_an_actor_reference_round_trips()
    {
        var prompt = new string('x', 1_000_000);
        var observer = _system.ActorOf(Props.Empty, "observer");
        var message = new AgentProtocol.Analyze(new Query("q1", prompt, "math", [0.5f, -1f], ["A", "B"]), 2, 1, observer);
        var copy = RoundTrip(message);
        Assert.Equal(prompt, copy.Query.Text);
        Assert.Equal(message.Query.Features, copy.Query.Features);
        Assert.Equal(message.Query.Options, copy.Query.Options);
        Assert.Equal((2, 1), (copy.Slot, copy.Attempt));
        Assert.Equal(observer, copy.TokenObserver);
    }

    [Fact]
    public void Replies_keep_analyses_failures_and_feedback_signals()
    {
        var analysis = new AgentAnalysis("a1", "answer B", "B", 0.8, new Dictionary<string, double> { ["A"] = 0.2, ["B"] = 0.8 }, 12.5, 0.01, OutcomeStatus.Succeeded);
        var completed = RoundTrip(new AgentProtocol.AnalysisCompleted("q", 0, 0, analysis));
        Assert.Equal(analysis.Text, completed.Analysis.Text);
        Assert.Equal(0.8, completed.Analysis.OptionProbabilities!["B"]);
        Assert.Equal(AgentFailureKind.Crashed, RoundTrip(new AgentProtocol.AnalysisFailed("q", 1, 2, "a1", AgentFailureKind.Crashed, "boom")).Kind);

        var feedback = RoundTrip(new FeedbackProtocol.SubmitFeedback("q", new FeedbackSignal.PerAgentRewards(new Dictionary<string, double> { ["a1"] = 1 })));
        Assert.Equal(1, Assert.IsType<FeedbackSignal.PerAgentRewards>(feedback.Signal).Rewards["a1"]);
        Assert.IsType<FeedbackSignal.CorrectChoice>(RoundTrip(new FeedbackProtocol.SubmitFeedback("q", new FeedbackSignal.CorrectChoice("C"))).Signal);
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (ClusterMessageSerializer)_system.Serialization.FindSerializerForType(typeof(AgentProtocol.Analyze));
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes("{}"), "agent.teleport"));
        Assert.Contains("agent.teleport", error.Message, StringComparison.Ordinal);
    }

    private T RoundTrip<T>(T message)
        where T : notnull
    {
        var serializer = (ClusterMessageSerializer)_system.Serialization.FindSerializerForType(typeof(T));
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(serializer.FromBinary(bytes, serializer.Manifest(message)));
    }
}
