using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: the panel starts at the next candidate in turn and takes k consecutive ones
/// (wrapping). Learns nothing; the turn counter is its only state. No parameters.</summary>
public sealed class RoundRobinPolicy : BaselinePolicyBase
{
    private long _turn;

    public RoundRobinPolicy(PolicySettings settings)
        : base("round-robin")
    {
        // No parameters: any given are an error.
        PolicyCatalog.ParametersOf<NoParameters>(Name, settings);
    }

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        var start = (int)(_turn % count);
        _turn++;
        var scores = decision.Start(count, panelSize, Rule, out var panel);
        for (var i = 0; i < panel.Length; i++)
        {
            panel[i] = (start + i) % count;
        }

        for (var i = 0; i < count; i++)
        {
            scores[i] = new CandidateScore(candidates[i].Name, i == start ? 1.0 : 0.0, 0, 0);
        }
    }

    private const string Rule = "round robin: the next candidate in turn, then the following ones";

    public override JsonObject Snapshot()
    {
        var state = PolicyState.Header(Name);
        state["turn"] = _turn;
        return state;
    }

    public override void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        _turn = PolicyState.Required<long>(state, "turn");
    }
}
