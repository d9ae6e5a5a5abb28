using System.Diagnostics;

namespace AgentRouter.Actors.Tracing;

/// <summary>The router's spans (BCL <see cref="ActivitySource"/>; the host decides whether anything listens and where
/// it is exported). Spans started inside an actor never become <see cref="Activity.Current"/>: an actor's mailbox runs
/// many messages on one thread, so an ambient activity would leak into the next query's spans. Parents travel in the
/// messages instead, as W3C <c>traceparent</c> strings (immutable, and serializable across cluster nodes).</summary>
public static class RouterTracing
{
    public const string SourceName = "AgentRouter";

    public const string ServerChatSpan = "agentrouter.server.chat_completions";
    public const string ServerFeedbackSpan = "agentrouter.server.feedback";
    public const string RouteSpan = "agentrouter.router.route";
    public const string DecideSpan = "agentrouter.router.decide";
    public const string AgentCallSpan = "agentrouter.agent.call";
    public const string MergeSpan = "agentrouter.router.merge";
    public const string FeedbackSpan = "agentrouter.router.feedback";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current activity's W3C id, to carry in a message; null when nothing is traced.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts a span under <paramref name="traceParent"/> without making it (or leaving anything else as)
    /// <see cref="Activity.Current"/>. Null when no listener samples it or when there is no parent to attach to.</summary>
    public static Activity? StartDetached(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        if (traceParent is null || !Source.HasListeners() || !ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return null;
        }

        return StartDetached(name, parent, kind);
    }

    /// <inheritdoc cref="StartDetached(string, string?, ActivityKind)"/>
    public static Activity? StartDetached(string name, ActivityContext parent, ActivityKind kind = ActivityKind.Internal)
    {
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, kind, parent);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Ends a span with an error status and its reason (a typed failure, never exception text).</summary>
    public static void Fail(Activity? activity, string reason)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, reason);
        activity.Dispose();
    }
}
