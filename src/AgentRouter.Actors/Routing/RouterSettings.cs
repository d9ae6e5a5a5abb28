using AgentRouter.Actors.Configuration;

namespace AgentRouter.Actors.Routing;

/// <summary>A router's defaults; <see cref="Protocol.RouteOptions"/> overrides them per query.</summary>
/// <param name="MergeStrategy">Default merge strategy name; <c>llm</c> sends merges to the merge agent.</param>
/// <param name="AgentDeadline">How long one agent may take before its slot counts as timed out.</param>
/// <param name="QueryDeadline">How long a whole query may take, retries and merge included.</param>
/// <param name="MaxRetries">Re-sends to next-ranked agents per query after crashes, failures or refusals.</param>
/// <param name="PendingFeedbackCapacity">Answered queries kept for delayed feedback; the oldest are evicted.</param>
/// <param name="FeedbackTimeToLive">How long an answered query accepts feedback.</param>
/// <param name="TickInterval">Resolution of deadline checks and feedback expiry (one timer per router).</param>
/// <param name="MaxInFlight">Admission limit: queries accepted and not yet answered. A query arriving while this many
/// are in flight is answered at once with <see cref="Protocol.QueryFailureReason.Overloaded"/> instead of being
/// queued, so that a router offered more than it can serve sheds load visibly instead of growing its memory (and
/// its callers' latency) without bound. The default, 10,000, is ten times what the closed-loop benchmark keeps in
/// flight at peak; set it near (agents × their max in flight) when agents are slow.</param>
/// <param name="MaxMailboxBacklog">The second admission bound, for a router that is itself the bottleneck (zero-latency
/// agents, or a router starved of CPU): a query dequeued while more than this many messages still wait in the router's
/// mailbox is refused as <see cref="Protocol.QueryFailureReason.Overloaded"/>. Refusing costs a fraction of routing, so
/// the backlog drains instead of growing until its queries reach gen 2 (the collapse of the paced benchmark at
/// 16:39 UTC). Default 10,000: about 30 ms of routing CPU at ~3 µs per query.</param>
public sealed record RouterSettings(
    string Name,
    int PanelSize = 3,
    string MergeStrategy = "majority",
    TimeSpan? AgentDeadline = null,
    TimeSpan? QueryDeadline = null,
    int MaxRetries = 2,
    int PendingFeedbackCapacity = 100_000,
    TimeSpan? FeedbackTimeToLive = null,
    TimeSpan? TickInterval = null,
    int MaxInFlight = RouterSettings.DefaultMaxInFlight,
    int MaxMailboxBacklog = RouterSettings.DefaultMaxMailboxBacklog)
{
    public const int DefaultMaxInFlight = 10_000;

    public const int DefaultMaxMailboxBacklog = 10_000;

    public TimeSpan EffectiveAgentDeadline => AgentDeadline ?? Defaults.AgentDeadline;

    public TimeSpan EffectiveQueryDeadline => QueryDeadline ?? Defaults.QueryDeadline;

    public TimeSpan EffectiveFeedbackTimeToLive => FeedbackTimeToLive ?? Defaults.FeedbackTimeToLive;

    public TimeSpan EffectiveTickInterval => TickInterval ?? Defaults.TickInterval;

    /// <summary>The unset values' defaults: <c>agentrouter.router</c> in reference.conf.</summary>
    private static RouterDefaults Defaults => AgentRouterRuntimeSettings.Default.Router;
}
