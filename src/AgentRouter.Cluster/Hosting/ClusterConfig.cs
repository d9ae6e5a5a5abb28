using Akka.Configuration;
using AgentRouter.Actors.Configuration;
using AgentRouter.Actors.Runtime;

namespace AgentRouter.Cluster.Hosting;

/// <summary>The configuration of a cluster node: the user's HOCON (<see cref="AgentRouterOptions.Hocon"/>), over the
/// node's typed options, over AgentRouter.Cluster's and the actor runtime's <c>reference.conf</c>. Seeds are not in
/// it: the node joins them itself once its registry and routers exist, so no router ever asks a models node that
/// has no registry yet.</summary>
public static class ClusterConfig
{
    public static Config Build(ClusterNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tuning = options.Tuning ?? ClusterTuning.Production;
        var overrides = new HoconOverrides()
            .Set("akka.actor.serialize-messages", options.SerializeAllMessages)
            .Set("akka.remote.dot-netty.tcp.hostname", options.Hostname)
            .Set("akka.remote.dot-netty.tcp.public-hostname", options.PublicHostname ?? options.Hostname)
            .Set("akka.remote.dot-netty.tcp.port", options.Port)
            .Set("akka.cluster.roles", options.Roles)
            .Set("akka.cluster.split-brain-resolver.stable-after", tuning.StableAfter)
            .Set("akka.cluster.failure-detector.heartbeat-interval", tuning.HeartbeatInterval)
            .Set("akka.cluster.failure-detector.acceptable-heartbeat-pause", tuning.AcceptableHeartbeatPause)
            .Set("akka.cluster.gossip-interval", tuning.GossipInterval)
            .Set("akka.cluster.leader-actions-interval", tuning.GossipInterval)
            .Set("akka.cluster.unreachable-nodes-reaper-interval", tuning.ReaperInterval);
        if (options.MaximumFrameSizeBytes is { } frame)
        {
            overrides.SetBytes(ClusterSettings.Section + ".maximum-frame-size", frame);
        }

        var config = AgentSystemAssembly.Configuration(options.Runtime, overrides.ToConfig(), ClusterSettings.Reference);

        // The frame size may come from the user's HOCON too; the buffers follow whichever value won.
        var frameSize = ClusterSettings.Create(config).MaximumFrameSizeBytes;
        var transport = new HoconOverrides()
            .SetBytes("akka.remote.dot-netty.tcp.maximum-frame-size", frameSize)
            .SetBytes("akka.remote.dot-netty.tcp.send-buffer-size", frameSize * 2)
            .SetBytes("akka.remote.dot-netty.tcp.receive-buffer-size", frameSize * 2)
            .ToConfig();
        return config.WithFallback(transport);
    }
}
