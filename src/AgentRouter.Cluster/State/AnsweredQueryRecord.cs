using System.Text.Json;
using AgentRouter.Actors.Protocol;
using AgentRouter.Cluster.Serialization;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cluster.State;

/// <summary>What a query was answered with, kept in Redis for its feedback window, so feedback can be credited
/// by any router node — not only the one that served the query, which may have stopped since.</summary>
public sealed record AnsweredQueryRecord(string Router, Query Query, IReadOnlyList<AgentAnalysis> Analyses, string? MergedChoice)
{
    public string ToJson() => JsonSerializer.Serialize(this, ClusterJson.Plain);

    public static AnsweredQueryRecord FromJson(string json, string key) =>
        JsonSerializer.Deserialize<AnsweredQueryRecord>(json, ClusterJson.Plain) ?? throw new FormatException($"answered record {key} is null");
}

/// <summary>One entry of the feedback stream.</summary>
public sealed record FeedbackEntry(string QueryId, FeedbackSignal Signal, DateTimeOffset SubmittedAt)
{
    public string ToJson() => JsonSerializer.Serialize(this, ClusterJson.Plain);

    public static FeedbackEntry FromJson(string json, string entryId)
    {
        try
        {
            return JsonSerializer.Deserialize<FeedbackEntry>(json, ClusterJson.Plain) ?? throw new FormatException($"feedback entry {entryId} is null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"feedback entry {entryId} is not valid feedback: {e.Message}", e);
        }
    }
}
