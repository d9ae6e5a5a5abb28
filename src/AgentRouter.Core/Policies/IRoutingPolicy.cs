using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>A routing policy: picks a panel for a query and learns from outcomes.
/// Implementations are single-threaded (callers serialise access) and deterministic given their seed.</summary>
public interface IRoutingPolicy
{
    /// <summary>The policy's registered name (e.g. "ema", "linucb").</summary>
    string Name { get; }

    /// <summary>Chooses up to <paramref name="panelSize"/> distinct candidates, best first.</summary>
    RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize);

    /// <summary>Chooses exactly as <see cref="Select"/> does (same state change, same panel and scores) but writes the
    /// decision into <paramref name="decision"/>, a buffer the caller reuses. The context-free policies implement it
    /// without allocating; this default goes through <see cref="Select"/>.</summary>
    void SelectInto(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.CopyFrom(Select(query, candidates, panelSize), candidates);
    }

    /// <summary>Learns from one agent's outcome on a query previously routed (possibly much earlier).</summary>
    void Observe(Query query, AgentOutcome outcome);

    /// <summary>The learned state as JSON, enough for <see cref="Restore"/> to continue exactly.</summary>
    JsonObject Snapshot();

    void Restore(JsonObject state);
}
