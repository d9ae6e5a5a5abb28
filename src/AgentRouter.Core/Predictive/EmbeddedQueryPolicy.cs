using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>Hands a policy the sentence embedding of each query's text as its features, leaving the query's own
/// features (hashed n-grams, which the other policies of a replay read) untouched.</summary>
public sealed class EmbeddedQueryPolicy(IRoutingPolicy inner, IReadOnlyDictionary<string, float[]> embeddingByText) : IRoutingPolicy
{
    public string Name => inner.Name;

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize) =>
        inner.Select(Embedded(query), candidates, panelSize);

    public void Observe(Query query, AgentOutcome outcome) => inner.Observe(Embedded(query), outcome);

    public JsonObject Snapshot() => inner.Snapshot();

    public void Restore(JsonObject state) => inner.Restore(state);

    private Query Embedded(Query query) => embeddingByText.TryGetValue(query.Text, out var vector)
        ? query with { Features = vector }
        : throw new InvalidOperationException($"query '{query.Id}' was not embedded");
}
