using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: a uniformly random panel. Learns nothing.</summary>
public sealed class RandomPolicy : IRoutingPolicy
{
    private Random _random;
    private readonly int _seed;

    public RandomPolicy(PolicySettings settings)
    {
        _seed = settings.Seed;
        _random = new Random(_seed);
    }

    public string Name => "random";

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        var count = candidates.Count;
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var take = Math.Min(panelSize, count);
        for (var i = 0; i < take; i++)
        {
            var j = _random.Next(i, count);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var panel = new string[take];
        for (var i = 0; i < take; i++)
        {
            panel[i] = candidates[order[i]].Name;
        }

        var scores = new CandidateScore[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = new CandidateScore(candidates[i].Name, 0, 0, 0);
        }

        return new RoutingDecision(query.Id, Name, panel, scores, "uniformly random panel");
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
    }

    // System.Random's state is not serialisable, so the snapshot records how to rebuild it.
    public JsonObject Snapshot() => new() { ["policy"] = Name, ["seed"] = _seed };

    public void Restore(JsonObject state) => _random = new Random((int?)state["seed"] ?? _seed);
}
