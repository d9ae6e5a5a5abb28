using Akka.Configuration;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Cluster.State;

namespace AgentRouter.Cluster.Tests;

/// <summary>A node's configuration: the cluster's embedded reference.conf, typed overrides from the node's options
/// (never spliced HOCON), and the user's HOCON over both.</summary>
public sealed class ClusterSettingsTests
{
    private static ClusterNodeOptions Options(string? hocon = null, string host = "127.0.0.1", ClusterTuning? tuning = null, long? frame = null) =>
        new([NodeRoles.Router, NodeRoles.Models], new AgentRouterOptions { Hocon = hocon }, Hostname: host, Port: 4711, Tuning: tuning, MaximumFrameSizeBytes: frame);

    [Fact]
    public void Defaults_come_from_the_embedded_reference_conf()
    {
        Assert.Contains("AgentRouter.Cluster.reference.conf", typeof(ClusterSettings).Assembly.GetManifestResourceNames());

        var settings = ClusterSettings.Default;
        Assert.Equal(4L * 1024 * 1024, settings.MaximumFrameSizeBytes);
        Assert.Equal(new ClusterTuning(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1)), ClusterTuning.Production);
        Assert.Equal(TimeSpan.FromMilliseconds(800), ClusterTuning.Fast.AcceptableHeartbeatPause);
        var shared = new SharedStateOptions("localhost:6379");
        Assert.Equal(("ar", 100_000, TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(10)), (shared.EffectiveKeyPrefix, shared.EffectiveBufferCapacity, shared.EffectivePollInterval, shared.EffectiveAnsweredTimeToLive));

        var config = ClusterConfig.Build(Options());
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(4L * 1024 * 1024, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(8L * 1024 * 1024, config.GetByteSize("akka.remote.dot-netty.tcp.send-buffer-size"));
        Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal("WARNING", config.GetString("akka.loglevel"));
    }

    [Fact]
    public void Typed_options_override_the_reference()
    {
        var config = ClusterConfig.Build(Options(host: "10.0.0.7", tuning: ClusterTuning.Fast, frame: 1_000_000));

        Assert.Equal("10.0.0.7", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("10.0.0.7", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(4711, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal([NodeRoles.Router, NodeRoles.Models], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(1_000_000L, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(2_000_000L, config.GetByteSize("akka.remote.dot-netty.tcp.receive-buffer-size"));
    }

    [Fact]
    public void The_users_hocon_wins_over_options_and_reference()
    {
        var config = ClusterConfig.Build(Options(hocon: "akka.cluster.gossip-interval = 3s\nagentrouter.cluster.maximum-frame-size = 64000b\nagentrouter.cluster.shared-state.poll-interval = 7ms"));

        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.gossip-interval"));
        Assert.Equal(128_000L, config.GetByteSize("akka.remote.dot-netty.tcp.send-buffer-size"));
        Assert.Equal(TimeSpan.FromMilliseconds(7), ClusterSettings.Create(config).SharedState.PollInterval);
    }

    [Fact]
    public void A_hostname_is_a_value_never_hocon_text()
    {
        const string hostile = "evil\"\nakka.loglevel = DEBUG\nx = \"";

        var config = ClusterConfig.Build(Options(host: hostile));

        Assert.Equal(hostile, config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("WARNING", config.GetString("akka.loglevel"));
    }

    [Theory]
    [InlineData("agentrouter.cluster.maximum-frame-size = 1000b", "agentrouter.cluster.maximum-frame-size: 1000 bytes is below the minimum of 32000")]
    [InlineData("agentrouter.cluster.tuning.fast.gossip-interval = often", "agentrouter.cluster.tuning.fast.gossip-interval: 'often' is not a duration")]
    [InlineData("agentrouter.cluster.shared-state.buffer-capacity = 0", "agentrouter.cluster.shared-state.buffer-capacity: 0 is outside")]
    [InlineData("agentrouter.cluster.leave-drain-timeout = -5s", "agentrouter.cluster.leave-drain-timeout: '-5s'")]
    public void A_bad_value_is_an_error_naming_its_key(string hocon, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterSettings.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
