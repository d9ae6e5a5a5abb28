using Akka.Actor;
using Akka.Event;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.DecisionProtocol;

namespace AgentRouter.Actors.Routing;

public sealed partial class RouterActor
{
    /// <summary>Serves <see cref="DecideOnly"/> ahead of the handlers registered in the constructor: the policy
    /// selects over the live candidates exactly as for a routed query, and the decision is the whole reply.
    /// Policies that draw random numbers when selecting (Thompson, ε-greedy) advance their random stream.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is DecideOnly decide)
        {
            OnDecideOnly(decide);
            return true;
        }

        return base.AroundReceive(receive, message);
    }

    private void OnDecideOnly(DecideOnly decide)
    {
        var query = decide.Query;
        var panelSize = decide.PanelSize ?? _settings.PanelSize;
        if (string.IsNullOrEmpty(query.Id) || panelSize < 1)
        {
            Sender.Tell(new DecisionRefused(query.Id ?? "", QueryFailureReason.Rejected, "a decision needs a query id and a panel size of at least 1"));
            return;
        }

        if (GatherCandidates(ref query, decide.Agents) is { } noAgents)
        {
            Sender.Tell(new DecisionRefused(query.Id, QueryFailureReason.NoAgents, noAgents));
            return;
        }

        try
        {
            Sender.Tell(new DecisionMade(_policy.Select(query, _candidates, Math.Min(panelSize, _candidates.Count))));
        }
        catch (Exception e)
        {
            _log.Error(e, "policy {0} failed to decide for query {1}", _policy.Name, query.Id);
            Sender.Tell(new DecisionRefused(query.Id, QueryFailureReason.PolicyFailed, $"policy '{_policy.Name}' failed: {e.Message}"));
        }
    }

    /// <summary>The one candidate rule of routed and decision-only queries: features the query once (when the caller
    /// did not), then fills the candidate list with the available agents, restricted to <paramref name="allowed"/>
    /// when given. Returns why there is no candidate, or null.</summary>
    private string? GatherCandidates(ref Query query, IReadOnlyList<string>? allowed)
    {
        if (_featurize is not null && query.Features is null)
        {
            query = query with { Features = _featurize(query) };
        }

        _candidates.Clear();
        _candidateAgents.Clear();
        for (var index = 0; index < _agents.Length; index++)
        {
            var agent = _agents[index];
            if (agent.Vitals.Available && (allowed is null || allowed.Contains(agent.Name)))
            {
                _candidates.Add(new Candidate(agent.Profile, agent.Vitals.Load));
                _candidateAgents.Add(index);
            }
        }

        return _candidates.Count > 0 ? null
            : allowed is null ? "no agent is available (all are backing off after crashes)"
            : $"none of the allowed agents ({string.Join(", ", allowed)}) is known and available";
    }
}
