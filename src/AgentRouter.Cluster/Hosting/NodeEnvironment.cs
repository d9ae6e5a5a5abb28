using AgentRouter.Core.Configuration;
using Microsoft.Extensions.Configuration;

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

/// <summary>A node's settings from its environment (the variables of <see cref="NodeEnvironment"/>), bound by the
/// standard configuration binder from <see cref="AgentRouterEnvironment"/>; null where unset.</summary>
public sealed class NodeEnvironmentSettings
{
    [ConfigurationKeyName("ROLES")]
    public string? Roles { get; set; }

    [ConfigurationKeyName("HOST")]
    public string? Host { get; set; }

    [ConfigurationKeyName("PUBLIC_HOST")]
    public string? PublicHost { get; set; }

    [ConfigurationKeyName("PORT")]
    public int? Port { get; set; }

    [ConfigurationKeyName("SEEDS")]
    public string? Seeds { get; set; }

    [ConfigurationKeyName("AGENTS")]
    public string? Agents { get; set; }

    [ConfigurationKeyName("REDIS")]
    public string? Redis { get; set; }

    [ConfigurationKeyName("POLICY")]
    public string? Policy { get; set; }

    [ConfigurationKeyName("POLICY_PRESET")]
    public string? PolicyPreset { get; set; }

    [ConfigurationKeyName("POLICIES")]
    public string? Policies { get; set; }

    [ConfigurationKeyName("ROUTER")]
    public string? Router { get; set; }

    [ConfigurationKeyName("PANEL")]
    public int? Panel { get; set; }

    [ConfigurationKeyName("NODE_ID")]
    public string? NodeId { get; set; }

    [ConfigurationKeyName("HTTP_URLS")]
    public string? HttpUrls { get; set; }

    [ConfigurationKeyName("API_KEYS")]
    public string? ApiKeys { get; set; }

    /// <summary>The settings <paramref name="configuration"/> holds (default: the process environment, read now).</summary>
    /// <exception cref="InvalidOperationException">A value of the wrong type (e.g. a non-numeric port); the message names the key.</exception>
    public static NodeEnvironmentSettings From(IConfiguration? configuration = null) => AgentRouterEnvironment.Bind<NodeEnvironmentSettings>(configuration);
}
