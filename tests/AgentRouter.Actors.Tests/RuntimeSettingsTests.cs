using Akka.Configuration;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Configuration;
using AgentRouter.Actors.Runtime;

namespace AgentRouter.Actors.Tests;

/// <summary>The runtime's settings come from its embedded reference.conf; configuration overrides win over it, and a
/// bad value is an error naming its key.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void Defaults_come_from_the_embedded_reference_conf()
    {
        var assembly = typeof(AgentRouterRuntimeSettings).Assembly;
        Assert.Contains("AgentRouter.Actors.reference.conf", assembly.GetManifestResourceNames());

        var embedded = ConfigurationFactory.FromResource("AgentRouter.Actors.reference.conf", assembly);
        Assert.Equal(TimeSpan.FromSeconds(10), embedded.GetTimeSpan("agentrouter.feedback.ask-timeout"));

        var defaults = AgentRouterRuntimeSettings.Default;
        Assert.Equal("agentrouter", defaults.SystemName);
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.FeedbackAskTimeout);
        Assert.Equal(new RouterDefaults(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(10)), defaults.Router);
        Assert.Equal(new MergeDefaults("majority", TimeSpan.FromSeconds(30)), defaults.Merge);
        Assert.Equal(new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 1), RestartBackoff.Default);
        Assert.Equal(defaults.Router.AgentDeadline, new Routing.RouterSettings("r").EffectiveAgentDeadline);
    }

    [Fact]
    public void An_override_wins_over_the_reference_and_leaves_the_other_defaults()
    {
        var options = new AgentRouterOptions { Hocon = "agentrouter.feedback.ask-timeout = 2s\nagentrouter.agent-backoff.free-crashes = 3" };

        var settings = AgentRouterRuntimeSettings.Create(AgentSystemAssembly.Configuration(options));

        Assert.Equal(TimeSpan.FromSeconds(2), settings.FeedbackAskTimeout);
        Assert.Equal(3, settings.AgentBackoff.FreeCrashes);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.StartTimeout);
    }

    [Fact]
    public void The_actor_system_is_configured_from_the_reference_conf()
    {
        var config = AgentSystemAssembly.Configuration(new AgentRouterOptions());

        Assert.Equal("WARNING", config.GetString("akka.loglevel"));
        Assert.Equal(100, config.GetInt("akka.actor.default-dispatcher.throughput"));
    }

    [Theory]
    [InlineData("agentrouter.feedback.ask-timeout = banana", "agentrouter.feedback.ask-timeout: 'banana' is not a duration")]
    [InlineData("agentrouter.router.query-deadline = 0s", "agentrouter.router.query-deadline: '0s' must be positive")]
    [InlineData("agentrouter.agent-backoff.free-crashes = many", "agentrouter.agent-backoff.free-crashes: 'many' is not an integer")]
    [InlineData("agentrouter.agent-backoff.free-crashes = -1", "agentrouter.agent-backoff.free-crashes: -1 is outside")]
    [InlineData("agentrouter.merge.fallback-strategy = \"\"", "agentrouter.merge.fallback-strategy: must not be empty")]
    [InlineData("agentrouter.agent-backoff { min = 2s, max = 1s }", "agentrouter.agent-backoff.max:")]
    public void A_bad_value_is_an_error_naming_its_key(string hocon, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => AgentRouterRuntimeSettings.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_value_stops_the_runtime_before_it_starts()
    {
        var options = new AgentRouterOptions { Hocon = "agentrouter.start-timeout = soon" };
        options.AddAgent(AgentRouterOptions.Manifest("a"));

        var error = await Assert.ThrowsAsync<ConfigurationException>(() => AgentRouterRuntime.StartAsync(options));

        Assert.StartsWith("agentrouter.start-timeout:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with \"quotes\" and \\ backslash")]
    [InlineData("x\"\nakka.loglevel = DEBUG\ny = \"")]
    [InlineData("brace } and ${substitution} and # comment")]
    public void Overrides_are_values_never_hocon_text(string value)
    {
        var config = new HoconOverrides().Set("agentrouter.probe", value).Set("agentrouter.list", [value, "b"]).ToConfig();

        Assert.Equal(value, config.GetString("agentrouter.probe"));
        Assert.Equal([value, "b"], config.GetStringList("agentrouter.list"));
        Assert.False(config.HasPath("akka.loglevel"));
    }
}
