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

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        PanelSelection.Validate(query, candidates, Math.Max(panelSize, 1));
        var count = candidates.Count;
        var panel = new string[count];
        var scores = new CandidateScore[count];
        for (var i = 0; i < count; i++)
        {
            panel[i] = candidates[i].Name;
            scores[i] = new CandidateScore(candidates[i].Name, 1, 0, 0);
        }

        return new RoutingDecision(query.Id, Name, panel, scores, "all: every candidate, panel size ignored");
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
    }

    public JsonObject Snapshot() => PolicyState.Header(Name);

    public void Restore(JsonObject state) => PolicyState.CheckPolicy(state, Name);
}
