using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Replay;

/// <summary>What the replay engine drives: an online policy, or a replay-only baseline that may look at the
/// recorded outcomes of the item it is choosing for.</summary>
internal interface IPanelChooser
{
    string Name { get; }

    bool IsBaseline { get; }

    RoutingDecision Choose(ReplayItem item, int panelSize);

    void Observe(Query query, AgentOutcome outcome);
}

/// <summary>An online policy sees only the query and its candidates, never the recorded outcomes.</summary>
internal sealed class OnlinePolicyChooser(IRoutingPolicy policy) : IPanelChooser
{
    public string Name => policy.Name;

    public bool IsBaseline => false;

    public RoutingDecision Choose(ReplayItem item, int panelSize) => policy.Select(item.Query, item.Candidates, panelSize);

    public void Observe(Query query, AgentOutcome outcome) => policy.Observe(query, outcome);
}
