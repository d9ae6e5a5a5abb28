using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>The decision path every built-in policy with an allocation-free <see cref="IRoutingPolicy.SelectInto"/>
/// shares: <see cref="Select"/> goes through <see cref="SelectInto"/>, which checks the arguments once and hands the
/// policy its <see cref="Decide"/>. Kept to that so that one change to the checks or to the record path reaches every
/// policy.</summary>
public abstract class RoutingPolicyBase : IRoutingPolicy
{
    private protected RoutingPolicyBase(string name) => Name = name;

    public string Name { get; }

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize) =>
        DecisionBuffer.Decide(this, query, candidates, panelSize);

    public void SelectInto(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        PanelSelection.Validate(query, candidates, IgnoresPanelSize ? 1 : panelSize);
        ArgumentNullException.ThrowIfNull(decision);
        Decide(query, candidates, panelSize, decision);
    }

    /// <summary>True for a policy that answers with every candidate whatever panel size it is asked for, so that no
    /// panel size is an error.</summary>
    private protected virtual bool IgnoresPanelSize => false;

    /// <summary>The decision itself, arguments already checked (candidates not empty, panel size at least 1 unless
    /// <see cref="IgnoresPanelSize"/>): starts <paramref name="decision"/> and fills its panel and scores.</summary>
    private protected abstract void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision);

    public abstract void Observe(Query query, AgentOutcome outcome);

    public abstract JsonObject Snapshot();

    public abstract void Restore(JsonObject state);
}
