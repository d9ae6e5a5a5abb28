using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Replay;

/// <summary>A deterministic policy whose replay numbers can be worked out by hand: the first candidates
/// in the order offered. It records every call so tests can check what the engine delivered and when.</summary>
internal sealed class FirstCandidatesPolicy : IRoutingPolicy
{
    public List<string> Calls { get; } = [];

    public string Name => "first-candidates";

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        Calls.Add($"select {query.Id}");
        var panel = candidates.Take(panelSize).Select(candidate => candidate.Name).ToArray();
        return new RoutingDecision(query.Id, Name, panel, [], "first candidates");
    }

    public void Observe(Query query, AgentOutcome outcome) => Calls.Add($"observe {query.Id} {outcome.Agent} {outcome.Quality}");

    public JsonObject Snapshot() => [];

    public void Restore(JsonObject state)
    {
    }
}
