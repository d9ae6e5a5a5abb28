using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Replay;

/// <summary>What the replay engine drives: an online policy, or a replay-only baseline that may look at the
/// recorded outcomes of the item it is choosing for.</summary>
internal interface IPanelChooser
{
    string Name { get; }

    bool IsBaseline { get; }

    /// <summary>Writes the panel for <paramref name="item"/> into <paramref name="decision"/> as indices into its
    /// candidates; the replay loop reads it from there, so a decision allocates nothing. <paramref name="query"/> and
    /// <paramref name="candidates"/> equal the item's (the engine passes its replay-ordered copies: an online policy
    /// reads those and need not touch the item).</summary>
    void ChooseInto(ReplayItem item, Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision);

    void Observe(Query query, AgentOutcome outcome);
}

/// <summary>An online policy sees only the query and its candidates, never the recorded outcomes.</summary>
internal sealed class OnlinePolicyChooser(IRoutingPolicy policy, string? label = null) : IPanelChooser
{
    public string Name => label ?? policy.Name;

    public bool IsBaseline => false;

    public void ChooseInto(ReplayItem item, Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision) =>
        policy.SelectInto(query, candidates, panelSize, decision);

    public void Observe(Query query, AgentOutcome outcome) => policy.Observe(query, outcome);
}
