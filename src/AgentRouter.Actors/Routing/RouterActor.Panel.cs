using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Actors.Routing;

/// <summary>The routed path's per-query state without per-query allocation: the panel decided into a reused
/// <see cref="DecisionBuffer"/>, panel name lists shared between decisions that chose the same panel, and in-flight
/// query objects taken from a bounded pool.</summary>
public sealed partial class RouterActor
{
    /// <summary>Ended in-flight objects kept for reuse; more than this many are left to the GC.</summary>
    private const int PoolLimit = 4096;

    /// <summary>Distinct panels whose name lists are kept; past it, a panel's list is allocated per decision.</summary>
    private const int PanelCacheLimit = 1024;

    private readonly Stack<InFlightQuery> _spareQueries = new();
    private readonly DecisionBuffer _decision = new();
    private readonly Dictionary<ulong, string[]> _panelNames = [];

    /// <summary>The router's agent index of each entry of <see cref="_candidates"/>.</summary>
    private readonly List<int> _candidateAgents = [];

    /// <summary>The last decision's panel as router agent indices, best first.</summary>
    private int[] _panelAgents = new int[InFlightQuery.InlineSlots];

    private InFlightQuery RentQuery(Query query, IActorRef replyTo, IActorRef? observer, RoutingDecision decision, int panelSize)
    {
        var inFlight = _spareQueries.Count > 0 ? _spareQueries.Pop() : new InFlightQuery();
        inFlight.Start(query, replyTo, observer, decision, panelSize);
        return inFlight;
    }

    /// <summary>Takes back a query that has ended (removed from the in-flight table, replied to).</summary>
    private void ReturnQuery(InFlightQuery query)
    {
        query.Clear();
        if (_spareQueries.Count < PoolLimit)
        {
            _spareQueries.Push(query);
        }
    }

    /// <summary>Lets the policy choose among <see cref="_candidates"/> and fills <see cref="_panelAgents"/>. Policies built
    /// on <see cref="RoutingPolicyBase"/> decide into the router's buffer (nothing allocated but the decision record and
    /// its scores); others return their record from <see cref="IRoutingPolicy.Select"/>. When the panel names an agent
    /// the router does not know, or one agent twice, <paramref name="invalidAgent"/> is that agent (else null). Policy
    /// exceptions propagate.</summary>
    private RoutingDecision DecidePanel(Query query, int panelSize, out string? invalidAgent)
    {
        invalidAgent = null;
        if (_policy is not RoutingPolicyBase)
        {
            var selected = _policy.Select(query, _candidates, panelSize);
            var names = selected.Panel;
            EnsurePanelCapacity(names.Count);
            for (var slot = 0; slot < names.Count; slot++)
            {
                if (!_agentIndex.TryGetValue(names[slot], out var agent) || IsRepeated(slot, agent))
                {
                    invalidAgent = names[slot];
                    break;
                }

                _panelAgents[slot] = agent;
            }

            return selected;
        }

        _policy.SelectInto(query, _candidates, panelSize, _decision);
        var panel = _decision.Panel;
        EnsurePanelCapacity(panel.Length);
        for (var slot = 0; slot < panel.Length; slot++)
        {
            var agent = _candidateAgents[panel[slot]];
            if (IsRepeated(slot, agent))
            {
                invalidAgent = _agents[agent].Name;
                return _decision.ToDecision(query, _policy.Name, _candidates);
            }

            _panelAgents[slot] = agent;
        }

        return new RoutingDecision(query.Id, _policy.Name, PanelNames(panel.Length), _decision.Scores.ToArray(), _decision.Rule);
    }

    private bool IsRepeated(int slot, int agent) => Array.IndexOf(_panelAgents, agent, 0, slot) >= 0;

    private void EnsurePanelCapacity(int panelCount)
    {
        if (_panelAgents.Length < panelCount)
        {
            _panelAgents = new int[panelCount];
        }
    }

    /// <summary>The names of the first <paramref name="count"/> <see cref="_panelAgents"/>, as one immutable list shared by
    /// every decision of that panel (agent indices never change their agent, so the list never goes stale).</summary>
    private string[] PanelNames(int count)
    {
        if (count > 4 || count == 0)
        {
            return NewPanelNames(count);
        }

        var key = 0UL;
        for (var slot = 0; slot < count; slot++)
        {
            var agent = _panelAgents[slot];
            if (agent >= ushort.MaxValue)
            {
                return NewPanelNames(count);
            }

            key |= (ulong)(agent + 1) << (16 * slot);
        }

        if (_panelNames.TryGetValue(key, out var names))
        {
            return names;
        }

        names = NewPanelNames(count);
        if (_panelNames.Count < PanelCacheLimit)
        {
            _panelNames[key] = names;
        }

        return names;
    }

    private string[] NewPanelNames(int count)
    {
        var names = new string[count];
        for (var slot = 0; slot < count; slot++)
        {
            names[slot] = _agents[_panelAgents[slot]].Name;
        }

        return names;
    }
}
