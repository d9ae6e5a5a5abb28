using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;

namespace AgentRouter.Actors;

/// <summary>The embedding facade: what an application calls to route a query, follow it, and report later
/// how good the answer was. Thread-safe; backed by the router actors.</summary>
public interface IAgentRouter
{
    /// <summary>Routes a query and waits for its merged answer.</summary>
    /// <exception cref="QueryFailedException">The query ended with a typed error (all agents failed, deadline, ...).</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled; the cancellation reached the agents.</exception>
    Task<QueryAnswered> AskAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Routes a query and yields its progress: the decision, each agent's tokens and analysis, and
    /// finally exactly one <see cref="RouterEvent.Finished"/> with the outcome (answered or failed).</summary>
    IAsyncEnumerable<RouterEvent> StreamAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The routing decision alone: the panel and scores the router's policy would choose now over the live
    /// agents (honouring <see cref="AskOptions.Router"/>, <see cref="AskOptions.PanelSize"/> and
    /// <see cref="AskOptions.Agents"/>); no agent is called and nothing awaits feedback.</summary>
    /// <exception cref="ArgumentException">Unknown router.</exception>
    /// <exception cref="QueryFailedException">The router could not decide (no agents, policy failure).</exception>
    Task<RoutingDecision> DecideAsync(Query query, AskOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Every router's counters (in flight, pending feedback, answered, failed, retries, timeouts).</summary>
    Task<IReadOnlyList<RouterProtocol.RouterStats>> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Delivers delayed feedback for an answered query to the router that served it.
    /// Rejections (unknown, expired, duplicate, invalid) are results, not exceptions.</summary>
    Task<FeedbackResult> SubmitFeedbackAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken = default);
}

/// <summary>Per-call choices.</summary>
/// <param name="Router">Which router (policy) serves the query; null for the default router.</param>
/// <param name="MergeStrategy">A merge strategy name, or <c>llm</c>.</param>
/// <param name="Deadline">The whole query's deadline (defaults to the router's).</param>
/// <param name="AgentDeadline">Each agent's deadline (defaults to the router's).</param>
/// <param name="Agents">Restricts the candidates to these agents; null for all.</param>
public sealed record AskOptions(
    string? Router = null,
    int? PanelSize = null,
    string? MergeStrategy = null,
    TimeSpan? Deadline = null,
    TimeSpan? AgentDeadline = null,
    IReadOnlyList<string>? Agents = null)
{
    internal RouteOptions ToRouteOptions() => new(PanelSize, MergeStrategy, AgentDeadline, Deadline, Agents: Agents);
}

/// <param name="Router">The router that accepted the feedback; null when rejected.</param>
/// <param name="Rewards">The reward delivered per agent; empty when rejected.</param>
public sealed record FeedbackResult(
    string QueryId,
    bool Accepted,
    FeedbackRejection? Rejection,
    string Message,
    string? Router,
    IReadOnlyDictionary<string, double> Rewards);

/// <summary>A query ended with a typed error rather than an answer.</summary>
public sealed class QueryFailedException(QueryFailed failure)
    : Exception($"query '{failure.QueryId}' failed on router '{failure.Router}' ({failure.Reason}): {failure.Message}")
{
    public QueryFailed Failure { get; } = failure;
}
