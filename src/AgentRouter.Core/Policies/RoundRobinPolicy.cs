using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: the panel starts at the next candidate in turn and takes k consecutive ones
/// (wrapping). Learns nothing; the turn counter is its only state. No parameters.</summary>
public sealed class RoundRobinPolicy : IRoutingPolicy
{
    private long _turn;

    public RoundRobinPolicy(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        new ParameterReader(Name, settings.Parameters).RejectUnknown();
    }

    public string Name => "round-robin";

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        PanelSelection.Validate(query, candidates, panelSize);
        var count = candidates.Count;
        var take = Math.Min(panelSize, count);
        var start = (int)(_turn % count);
        _turn++;
        var panel = new string[take];
        for (var i = 0; i < take; i++)
        {
            panel[i] = candidates[(start + i) % count].Name;
        }

        var scores = new CandidateScore[count];
        for (var i = 0; i < count; i++)
        {
            var score = i == start ? 1.0 : 0.0;
            scores[i] = new CandidateScore(candidates[i].Name, score, 0, 0);
        }

        return new RoutingDecision(query.Id, Name, panel, scores, "round robin: the next candidate in turn, then the following ones");
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
    }

    public JsonObject Snapshot()
    {
        var state = PolicyState.Header(Name);
        state["turn"] = _turn;
        return state;
    }

    public void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        _turn = PolicyState.Required<long>(state, "turn");
    }
}
