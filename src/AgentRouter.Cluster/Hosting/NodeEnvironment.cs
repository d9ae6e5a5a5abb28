namespace AgentRouter.Cluster.Hosting;

/// <summary>The environment variables a node reads when an option is not given on the command line (containers
/// configure nodes this way; the deployment-consistency test checks deploy/ uses only these).</summary>
public static class NodeEnvironment
{
    public const string Roles = "AGENTROUTER_ROLES";
    public const string Host = "AGENTROUTER_HOST";
    public const string PublicHost = "AGENTROUTER_PUBLIC_HOST";
    public const string Port = "AGENTROUTER_PORT";
    public const string Seeds = "AGENTROUTER_SEEDS";
    public const string Agents = "AGENTROUTER_AGENTS";
    public const string Redis = "AGENTROUTER_REDIS";
    public const string Policy = "AGENTROUTER_POLICY";
    public const string PolicyPreset = "AGENTROUTER_POLICY_PRESET";
    public const string Policies = "AGENTROUTER_POLICIES";
    public const string Router = "AGENTROUTER_ROUTER";
    public const string Panel = "AGENTROUTER_PANEL";
    public const string NodeId = "AGENTROUTER_NODE_ID";

    /// <summary>Listen URLs of the HTTP server on a router node (comma-separated); unset runs no HTTP server.</summary>
    public const string HttpUrls = "AGENTROUTER_HTTP_URLS";

    /// <summary>Bearer API keys of the HTTP server (comma-separated); required when it binds beyond loopback.</summary>
    public const string ApiKeys = "AGENTROUTER_API_KEYS";

    /// <summary>The remoting port nodes use when none is configured (and the one the deployments expose).</summary>
    public const int DefaultPort = 4053;

    /// <summary>The HTTP port the deployments give a router node's server.</summary>
    public const int DefaultHttpPort = 8080;

    public static readonly IReadOnlyList<string> All = [Roles, Host, PublicHost, Port, Seeds, Agents, Redis, Policy, PolicyPreset, Policies, Router, Panel, NodeId, HttpUrls, ApiKeys];
}
