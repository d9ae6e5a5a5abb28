using Akka.Configuration;
using AgentRouter.Actors.Agents;

namespace AgentRouter.Actors.Configuration;

/// <summary>The actor runtime's settings (the <c>agentrouter</c> section), built from a <see cref="Config"/> whose
/// fallback is the embedded <c>reference.conf</c>; <see cref="Default"/> is that file alone.</summary>
/// <param name="StartTimeout">How long start-up waits for the agent supervisor.</param>
/// <param name="FeedbackAskTimeout">How long feedback waits for the router that served the query.</param>
public sealed record AgentRouterRuntimeSettings(
    string SystemName,
    TimeSpan StartTimeout,
    TimeSpan FeedbackAskTimeout,
    RouterDefaults Router,
    MergeDefaults Merge,
    RestartBackoff AgentBackoff)
{
    public const string Section = "agentrouter";

    /// <summary>The defaults of the embedded <c>reference.conf</c>.</summary>
    public static AgentRouterRuntimeSettings Default { get; } = Create(ReferenceConfig.Runtime);

    /// <summary>Reads the <c>agentrouter</c> section of <paramref name="config"/>, falling back to
    /// <c>reference.conf</c> for keys it does not set.</summary>
    /// <exception cref="ConfigurationException">A value is missing, malformed or out of range; the message starts with its key.</exception>
    public static AgentRouterRuntimeSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var reader = new SettingsReader(ReferenceConfig.Over(config, ReferenceConfig.Runtime), Section);
        var router = reader.Section("router");
        var merge = reader.Section("merge");
        var backoff = reader.Section("agent-backoff");
        var min = backoff.Duration("min", allowZero: true);
        var max = backoff.Duration("max", allowZero: true);
        if (max < min)
        {
            throw new ConfigurationException($"{Section}.agent-backoff.max: {max} is below agent-backoff.min ({min})");
        }

        return new AgentRouterRuntimeSettings(
            reader.String("system-name"),
            reader.Duration("start-timeout"),
            reader.Section("feedback").Duration("ask-timeout"),
            new RouterDefaults(router.Duration("agent-deadline"), router.Duration("query-deadline"), router.Duration("feedback-time-to-live"), router.Duration("tick-interval")),
            new MergeDefaults(merge.String("fallback-strategy"), merge.Duration("llm-timeout")),
            new RestartBackoff(min, max, backoff.Int("free-crashes", min: 0)));
    }
}

/// <summary>What a router uses where its <see cref="Routing.RouterSettings"/> leave a value unset.</summary>
public sealed record RouterDefaults(TimeSpan AgentDeadline, TimeSpan QueryDeadline, TimeSpan FeedbackTimeToLive, TimeSpan TickInterval);

/// <summary>The merge agent's defaults.</summary>
public sealed record MergeDefaults(string FallbackStrategy, TimeSpan LlmTimeout);
