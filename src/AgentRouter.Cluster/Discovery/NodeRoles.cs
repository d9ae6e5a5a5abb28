namespace AgentRouter.Cluster.Discovery;

/// <summary>The cluster roles a node may have (a node may have both).</summary>
public static class NodeRoles
{
    /// <summary>Runs router actors (and, with the server, the HTTP endpoint); needs no model weights.</summary>
    public const string Router = "router";

    /// <summary>Hosts the model-agent actors of its manifests.</summary>
    public const string Models = "models";

    public static readonly IReadOnlyList<string> All = [Router, Models];
}
