using System.Globalization;
using Akka.Configuration;

namespace AgentRouter.Cluster.Hosting;

/// <summary>The HOCON of a cluster node. Seeds are not in it: the node joins them itself once its registry and
/// routers exist, so no router ever asks a models node that has no registry yet.</summary>
public static class ClusterConfig
{
    public static Config Build(ClusterNodeOptions options)
    {
        var tuning = options.Tuning ?? ClusterTuning.Production;
        var roles = string.Join(", ", options.Roles.Select(Quote));
        var frame = options.MaximumFrameSizeBytes.ToString(CultureInfo.InvariantCulture);
        var buffer = (options.MaximumFrameSizeBytes * 2).ToString(CultureInfo.InvariantCulture);
        var publicHost = options.PublicHostname ?? options.Hostname;
        var hocon = $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serialize-messages = {{(options.SerializeAllMessages ? "on" : "off")}}
                serialize-creators = off
                default-dispatcher.throughput = 100
              }
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp {
                  hostname = {{Quote(options.Hostname)}}
                  public-hostname = {{Quote(publicHost)}}
                  port = {{options.Port}}
                  maximum-frame-size = {{frame}}b
                  send-buffer-size = {{buffer}}b
                  receive-buffer-size = {{buffer}}b
                }
              }
              cluster {
                roles = [{{roles}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{Ms(tuning.StableAfter)}}
                }
                failure-detector {
                  heartbeat-interval = {{Ms(tuning.HeartbeatInterval)}}
                  acceptable-heartbeat-pause = {{Ms(tuning.AcceptableHeartbeatPause)}}
                }
                gossip-interval = {{Ms(tuning.GossipInterval)}}
                leader-actions-interval = {{Ms(tuning.GossipInterval)}}
                unreachable-nodes-reaper-interval = {{Ms(tuning.ReaperInterval)}}
                run-coordinated-shutdown-when-down = on
                shutdown-after-unsuccessful-join-seed-nodes = off
              }
              coordinated-shutdown.run-by-clr-shutdown-hook = on
            }
            """;
        return ConfigurationFactory.ParseString(options.Runtime.Hocon ?? "").WithFallback(ConfigurationFactory.ParseString(hocon));
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Ms(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
