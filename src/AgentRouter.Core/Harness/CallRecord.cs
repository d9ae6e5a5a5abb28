using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentRouter.Core.Harness;

/// <summary>Where a call's cost came from.</summary>
public static class CostSources
{
    /// <summary>The endpoint reported the cost (AgentRouter's <c>agentrouter.cost</c>, or <c>usage.cost</c>).</summary>
    public const string Reported = "reported";

    /// <summary>Usage tokens × the agent's prices.</summary>
    public const string Usage = "usage";

    /// <summary>Neither: the cost is recorded as 0.</summary>
    public const string None = "none";
}

/// <summary>One panel member's part of a routed call.</summary>
public sealed record MemberCall(string Agent, string? Response, double? Correct, double Cost, double LatencyMs, bool Succeeded);

/// <summary>One line of <c>calls.jsonl</c>: one completed call of one item to one agent (collection mode) or to
/// the router (routed mode, with its panel's members). Failed calls are recorded too, so that a resumed run
/// does not retry what already failed for good; their correctness is empty in the outcomes CSV.</summary>
/// <param name="Sequence">Completion order within the run (0-based, continued across resumptions).</param>
/// <param name="Agent">The agent called, or the router's name in routed mode.</param>
/// <param name="Correct">1/0 from <see cref="AnswerScorer"/>; null when unscored or failed.</param>
/// <param name="TtftMs">Time to the first streamed content token; null when the endpoint does not stream.</param>
/// <param name="Attempts">HTTP attempts made, retries included.</param>
/// <param name="Panel">Routed mode: the agents the policy chose, in its order; null in collection mode.</param>
public sealed record CallRecord(
    long Sequence,
    string Id,
    string Agent,
    string? TaskType,
    bool Succeeded,
    string? Response,
    string? Extracted,
    double? Correct,
    double Cost,
    string CostSource,
    int? InputTokens,
    int? OutputTokens,
    double LatencyMs,
    double? TtftMs,
    int Attempts,
    string? Error,
    DateTimeOffset CompletedAt,
    IReadOnlyList<string>? Panel = null,
    IReadOnlyList<MemberCall>? Members = null)
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>The resumption key: an item is done for an agent once a record with this key exists.</summary>
    public (string Id, string Agent) Key => (Id, Agent);

    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    public static CallRecord? FromJsonLine(string line) => JsonSerializer.Deserialize<CallRecord>(line, Json);
}
