using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: a uniformly random panel. Learns nothing.</summary>
public sealed class RandomPolicy : IRoutingPolicy
{
    private readonly DeterministicRandom _random;
    private readonly int _seed;

    public RandomPolicy(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        new ParameterReader(Name, settings.Parameters).RejectUnknown();
        _seed = settings.Seed;
        _random = new DeterministicRandom(_seed);
    }

    public string Name => "random";

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize) =>
        DecisionBuffer.Decide(this, query, candidates, panelSize);

    public void SelectInto(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        PanelSelection.Validate(query, candidates, panelSize);
        ArgumentNullException.ThrowIfNull(decision);
        var count = candidates.Count;
        var scores = decision.Start(count, panelSize, "uniformly random panel", out var panel);
        Span<int> order = count <= PanelSelection.StackLimit ? stackalloc int[count] : new int[count];
        PanelSelection.RandomOrder(order, panel.Length, _random);
        order[..panel.Length].CopyTo(panel);
        for (var i = 0; i < count; i++)
        {
            scores[i] = new CandidateScore(candidates[i].Name, 0, 0, 0);
        }
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
    }

    public JsonObject Snapshot()
    {
        var state = PolicyState.Header(Name);
        state["seed"] = _seed;
        state["random"] = _random.ToJson();
        return state;
    }

    public void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        _random.Restore(state["random"]);
    }
}
