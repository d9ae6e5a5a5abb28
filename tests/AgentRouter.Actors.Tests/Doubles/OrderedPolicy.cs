using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Actors.Tests.Doubles;

/// <summary>Test double: ranks candidates in the order offered (first = best score) and records what it
/// was shown and told, so tests can check loads, retries and delivered feedback.</summary>
internal sealed class OrderedPolicy : IRoutingPolicy
{
    public ConcurrentQueue<IReadOnlyList<Candidate>> Offered { get; } = new();

    public ConcurrentQueue<(string QueryId, AgentOutcome Outcome)> Observed { get; } = new();

    public string Name => "ordered";

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        Offered.Enqueue(candidates.ToArray());
        var scores = candidates.Select((c, i) => new CandidateScore(c.Name, -i, -i, 0)).ToArray();
        return new RoutingDecision(query.Id, Name, candidates.Take(panelSize).Select(c => c.Name).ToArray(), scores, "in the order offered");
    }

    public void Observe(Query query, AgentOutcome outcome) => Observed.Enqueue((query.Id, outcome));

    public JsonObject Snapshot() => [];

    public void Restore(JsonObject state)
    {
    }
}
