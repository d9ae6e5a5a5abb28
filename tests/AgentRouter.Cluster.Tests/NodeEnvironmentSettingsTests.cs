using AgentRouter.Cluster.Hosting;
using AgentRouter.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace AgentRouter.Cluster.Tests;

/// <summary>A node's documented AGENTROUTER_* variables bind to <see cref="NodeEnvironmentSettings"/>.</summary>
public sealed class NodeEnvironmentSettingsTests
{
    private static NodeEnvironmentSettings Bind(params (string Variable, string Value)[] variables) =>
        NodeEnvironmentSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Variable[AgentRouterEnvironment.Prefix.Length..], v.Value)))
            .Build());

    [Fact]
    public void Every_documented_variable_binds_to_its_setting()
    {
        var settings = Bind(
            (NodeEnvironment.Roles, "router"), (NodeEnvironment.Host, "0.0.0.0"), (NodeEnvironment.PublicHost, "router-1"), (NodeEnvironment.Port, "4711"),
            (NodeEnvironment.Seeds, "a:1,b:2"), (NodeEnvironment.Agents, "/agents"), (NodeEnvironment.Redis, "redis:6379"), (NodeEnvironment.Policy, "ucb1"),
            (NodeEnvironment.PolicyPreset, "ema-lex"), (NodeEnvironment.Policies, "/presets"), (NodeEnvironment.Router, "main"), (NodeEnvironment.Panel, "2"),
            (NodeEnvironment.NodeId, "n1"), (NodeEnvironment.HttpUrls, "http://0.0.0.0:8080"), (NodeEnvironment.ApiKeys, "k"));

        Assert.Equal(
            ("router", "0.0.0.0", "router-1", 4711, "a:1,b:2", "/agents", "redis:6379", "ucb1"),
            (settings.Roles, settings.Host, settings.PublicHost, settings.Port, settings.Seeds, settings.Agents, settings.Redis, settings.Policy));
        Assert.Equal(
            ("ema-lex", "/presets", "main", 2, "n1", "http://0.0.0.0:8080", "k"),
            (settings.PolicyPreset, settings.Policies, settings.Router, settings.Panel, settings.NodeId, settings.HttpUrls, settings.ApiKeys));
    }

    [Fact]
    public void Unset_variables_leave_the_settings_null()
    {
        var settings = Bind();

        Assert.Null(settings.Port);
        Assert.Null(settings.Roles);
    }

    [Fact]
    public void A_non_numeric_port_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind((NodeEnvironment.Port, "forty")));

        Assert.Contains("PORT", error.Message, StringComparison.Ordinal);
    }
}
