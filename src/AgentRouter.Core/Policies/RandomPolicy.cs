using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: a uniformly random panel. Learns nothing.</summary>
public sealed class RandomPolicy : BaselinePolicyBase
{
    private readonly DeterministicRandom _random;
    private readonly int _seed;

    public RandomPolicy(PolicySettings settings)
        : base("random")
    {
        // No parameters: any given are an error.
        PolicyCatalog.ParametersOf<NoParameters>(Name, settings);
        _seed = settings.Seed;
        _random = new DeterministicRandom(_seed);
    }

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
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

    public override JsonObject Snapshot()
    {
        var state = PolicyState.Header(Name);
        state["seed"] = _seed;
        state["random"] = _random.ToJson();
        return state;
    }

    public override void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        _random.Restore(state["random"]);
    }
}
