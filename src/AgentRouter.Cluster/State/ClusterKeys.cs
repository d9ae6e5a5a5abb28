namespace AgentRouter.Cluster.State;

/// <summary>Redis key names. Every key of one router's policy carries the hash tag <c>{p:NAME}</c>, so a Lua
/// script may touch several of them atomically (and they stay on one slot of a Redis Cluster).</summary>
public sealed class ClusterKeys(string prefix = "ar")
{
    public string Prefix { get; } = prefix;

    /// <summary>The policy's outcome log: every outcome any router node observed, in one order for all nodes.</summary>
    public string Outcomes(string router) => $"{Prefix}:{{p:{router}}}:outcomes";

    /// <summary>Hash: the policy's latest snapshot (<c>state</c>) and the log position it reflects (<c>version</c>).</summary>
    public string Snapshot(string router) => $"{Prefix}:{{p:{router}}}:snapshot";

    /// <summary>Marks an outcome event as appended, so re-sending it (a retry, a redelivered feedback) appends nothing.</summary>
    public string Appended(string router, string eventId) => $"{Prefix}:{{p:{router}}}:done:{eventId}";

    /// <summary>The feedback stream all router nodes consume as one consumer group.</summary>
    public string Feedback => $"{Prefix}:{{feedback}}:stream";

    /// <summary>What a query was answered with, kept for its feedback window so any node can credit the feedback.</summary>
    public string Answered(string queryId) => $"{Prefix}:answered:{queryId}";

    /// <summary>Consumer group of one node on a policy's outcome log (each node reads every outcome).</summary>
    public static string NodeGroup(string nodeId) => "node:" + nodeId;

    public const string FeedbackGroup = "routers";
}
