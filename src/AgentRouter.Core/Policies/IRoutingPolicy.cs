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

    /// <summary>Learns from one agent's outcome on a query previously routed (possibly much earlier).</summary>
    void Observe(Query query, AgentOutcome outcome);

    /// <summary>The learned state as JSON, enough for <see cref="Restore"/> to continue exactly.</summary>
    JsonObject Snapshot();

    void Restore(JsonObject state);
}
