using Akka.Event;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Protocol;

namespace AgentRouter.Actors.Routing;

public sealed partial class RouterActor
{
    /// <summary>Agent indices are never reused or removed — in-flight slots and retry sets hold them — so a
    /// departed agent keeps its index with vitals that say unavailable, and a returning one takes it back.</summary>
    private void OnAgentSetChanged(AgentSetChanged changed)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        var agents = new List<AgentHandle>(_agents);
        foreach (var handle in changed.Agents)
        {
            if (!present.Add(handle.Name))
            {
                continue;
            }

            if (_agentIndex.TryGetValue(handle.Name, out var index))
            {
                agents[index] = handle;
            }
            else
            {
                _agentIndex[handle.Name] = agents.Count;
                agents.Add(handle);
            }
        }

        var departed = new List<int>();
        for (var i = 0; i < agents.Count; i++)
        {
            if (!present.Contains(agents[i].Name) && agents[i].Vitals.Available)
            {
                var gone = new AgentVitals(agents[i].Name, agents[i].Vitals.Capacity);
                gone.SetAvailable(false);
                agents[i] = agents[i] with { Vitals = gone };
                departed.Add(i);
            }
        }

        _agents = [.. agents];
        if (departed.Count > 0)
        {
            _log.Info("router {0}: agents {1} departed ({2}); their in-flight requests are retried elsewhere",
                _settings.Name, string.Join(", ", departed.Select(i => _agents[i].Name)), changed.Reason);
            FailSlotsOn(departed, changed.Reason);
        }
    }

    private void FailSlotsOn(List<int> departed, string reason)
    {
        var failures = new List<AgentProtocol.AnalysisFailed>();
        foreach (var query in _inFlight.Values)
        {
            if (query.MergeCorrelation != 0)
            {
                continue;
            }

            for (var slot = 0; slot < query.Slots.Length; slot++)
            {
                var state = query.Slots[slot];
                if (!state.Done && departed.Contains(state.Agent))
                {
                    failures.Add(new AgentProtocol.AnalysisFailed(
                        query.Query.Id, slot, state.Attempt, _agents[state.Agent].Name, AgentFailureKind.Unavailable, $"the agent's node went away ({reason})"));
                }
            }
        }

        // Handled as if the agent had refused: retried on the next-ranked agent, or the slot ends failed.
        foreach (var failure in failures)
        {
            OnAnalysisFailed(failure);
        }

    }
}
