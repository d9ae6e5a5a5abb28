using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: every candidate answers, in candidate order; the panel size is ignored. No
/// parameters.</summary>
public sealed class AllPolicy : IRoutingPolicy
{
    public AllPolicy(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        new ParameterReader(Name, settings.Parameters).RejectUnknown();
    }

    public string Name => "all";

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize) =>
        DecisionBuffer.Decide(this, query, candidates, panelSize);

    public void SelectInto(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        PanelSelection.Validate(query, candidates, Math.Max(panelSize, 1));
        ArgumentNullException.ThrowIfNull(decision);
        var count = candidates.Count;
        var scores = decision.Start(count, count, "all: every candidate, panel size ignored", out var panel);
        for (var i = 0; i < count; i++)
        {
            panel[i] = i;
            scores[i] = new CandidateScore(candidates[i].Name, 1, 0, 0);
        }
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
    }

    public JsonObject Snapshot() => PolicyState.Header(Name);

    public void Restore(JsonObject state) => PolicyState.CheckPolicy(state, Name);
}
