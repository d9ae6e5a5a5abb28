using System.Text.Json;
using AgentRouter.Cluster.Serialization;
using AgentRouter.Core.Domain;

namespace AgentRouter.Cluster.State;

/// <summary>One entry of a policy's outcome log: an outcome to feed to <c>IRoutingPolicy.Observe</c>.</summary>
/// <param name="EventId">Identifies the event for idempotent appends (feedback: <c>fb:QUERYID</c>).</param>
/// <param name="Origin">The node that observed it.</param>
public sealed record OutcomeEvent(string EventId, string Origin, Query Query, AgentOutcome Outcome)
{
    public string ToJson() => JsonSerializer.Serialize(this, ClusterJson.Plain);

    /// <exception cref="FormatException">The entry is not an outcome event (names the entry).</exception>
    public static OutcomeEvent FromJson(string json, string entryId)
    {
        try
        {
            return JsonSerializer.Deserialize<OutcomeEvent>(json, ClusterJson.Plain) ?? throw new FormatException($"outcome log entry {entryId} is null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"outcome log entry {entryId} is not a valid outcome event: {e.Message}", e);
        }
    }
}
