using AgentRouter.Core.Domain;
using AgentRouter.Core.Harness;

namespace AgentRouter.Harness;

/// <summary>One panel member's answer within a routed call.</summary>
public sealed record MemberReply(string Agent, string Response, double Cost, double LatencyMs, bool Succeeded);

/// <summary>What a target answered for one item (before scoring).</summary>
/// <param name="CostSource">One of <see cref="CostSources"/>.</param>
public sealed record TargetReply(
    string Response,
    int? InputTokens,
    int? OutputTokens,
    double Cost,
    string CostSource,
    double LatencyMs,
    double? TtftMs,
    int Attempts,
    IReadOnlyList<string>? Panel = null,
    IReadOnlyList<MemberReply>? Members = null);

/// <summary>Something the harness sends items to: one agent (collection mode) or a router (routed mode).
/// A failed call is an exception; <see cref="EndpointCallException"/> carries the attempts made.</summary>
public interface IHarnessTarget
{
    /// <summary>The column name in the outcomes CSV and the <c>agent</c> of its call records.</summary>
    string Name { get; }

    /// <summary>Calls in flight at once to this target.</summary>
    int Concurrency { get; }

    Task<TargetReply> CallAsync(HarnessItem item, CancellationToken cancellationToken);

    /// <summary>Tells the target how its answer scored (a router's policy learns from it); a no-op for plain agents.</summary>
    Task ReportAsync(HarnessItem item, CallRecord record, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A model behind an OpenAI-compatible endpoint, called directly. Cost: the endpoint's reported cost
/// when it gives one, else usage tokens × <paramref name="prices"/>, else 0 (recorded as such).</summary>
public sealed class EndpointTarget(string name, OpenAiChatEndpoint endpoint, string model, CostModel? prices, int concurrency) : IHarnessTarget
{
    public string Name { get; } = name;

    public int Concurrency { get; } = concurrency;

    public async Task<TargetReply> CallAsync(HarnessItem item, CancellationToken cancellationToken)
    {
        var reply = await endpoint.CompleteAsync(model, item, cancellationToken).ConfigureAwait(false);
        var (cost, source) = reply.ReportedCost is { } reported
            ? (reported, CostSources.Reported)
            : prices is not null && reply.InputTokens is { } input && reply.OutputTokens is { } output
                ? (prices.Estimate(input, output), CostSources.Usage)
                : prices is { PerCall: > 0 } perCall ? (perCall.PerCall, CostSources.Usage) : (0.0, CostSources.None);
        return new TargetReply(reply.Text, reply.InputTokens, reply.OutputTokens, cost, source, reply.LatencyMs, reply.TtftMs, reply.Attempts);
    }
}
