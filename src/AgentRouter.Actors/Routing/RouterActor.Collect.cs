using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Routing;

/// <summary>Collecting the panel's answers: completions, failures with retry on the next-ranked agent, and
/// deadlines checked by the periodic tick.</summary>
public sealed partial class RouterActor
{
    private void OnAnalysisCompleted(AnalysisCompleted completed)
    {
        if (!TryGetLiveSlot(completed.QueryId, completed.Slot, completed.Attempt, out var query))
        {
            return; // a late answer after a timeout, retry or cancellation
        }

        query.Slots[completed.Slot].Done = true;
        EndAgentSpan(query, completed.Slot, null);
        query.Analyses[completed.Slot] = completed.Analysis;
        query.Observer?.Tell(new AgentAnswered(query.Query.Id, completed.Analysis));
        if (--query.Remaining == 0)
        {
            Conclude(query);
        }
    }

    private void OnAnalysisFailed(AnalysisFailed failed)
    {
        if (!TryGetLiveSlot(failed.QueryId, failed.Slot, failed.Attempt, out var query))
        {
            return;
        }

        ref var state = ref query.Slots[failed.Slot];
        var now = _time.GetTimestamp();
        var latencyMs = _time.GetElapsedTime(state.StartedTicks, now).TotalMilliseconds;
        EndAgentSpan(query, failed.Slot, failed.Kind.ToString());
        if (failed.Kind is AgentFailureKind.Crashed or AgentFailureKind.Failed)
        {
            Observe(query.Query, new AgentOutcome(failed.Agent, 0, latencyMs, 0, OutcomeStatus.Failed));
        }

        var retryable = failed.Kind is AgentFailureKind.Crashed or AgentFailureKind.Failed or AgentFailureKind.Unavailable;
        if (retryable && query.RetriesLeft > 0 && now < query.DeadlineTicks && TryNextRanked(query, out var next))
        {
            query.RetriesLeft--;
            query.Retries++;
            _retries++;
            Dispatch(query, failed.Slot, next, state.Attempt + 1, now);
            return;
        }

        if (failed.Kind == AgentFailureKind.InvalidQuery)
        {
            query.InvalidQuery ??= failed;
        }

        state.Done = true;
        var analysis = new AgentAnalysis(failed.Agent, $"{failed.Kind}: {failed.Reason}", null, LatencyMs: latencyMs, Status: OutcomeStatus.Failed);
        query.Analyses[failed.Slot] = analysis;
        query.Observer?.Tell(new AgentAnswered(query.Query.Id, analysis));
        if (--query.Remaining == 0)
        {
            Conclude(query);
        }
    }

    /// <summary>The best-scored available agent this query has not tried yet, by the decision's own scores.</summary>
    private bool TryNextRanked(InFlightQuery query, out int agentIndex)
    {
        if (query.Tried is null)
        {
            query.Tried = [];
            foreach (var name in query.Decision.Panel)
            {
                query.Tried.Add(_agentIndex[name]);
            }
        }

        agentIndex = -1;
        var best = double.NegativeInfinity;
        foreach (var score in query.Decision.Scores)
        {
            if (_agentIndex.TryGetValue(score.Agent, out var index) && !query.Tried.Contains(index) && _agents[index].Vitals.Available && score.Score > best)
            {
                best = score.Score;
                agentIndex = index;
            }
        }

        if (agentIndex < 0)
        {
            return false;
        }

        query.Tried.Add(agentIndex);
        return true;
    }

    private void OnTick()
    {
        var now = _time.GetTimestamp();
        _ledger.Sweep(now);
        if (_inFlight.Count == 0)
        {
            return;
        }

        _due.Clear();
        foreach (var query in _inFlight.Values)
        {
            if (query.MergeCorrelation != 0 ? now >= query.DeadlineTicks : HasExpiredSlot(query, now))
            {
                _due.Add(query);
            }
        }

        foreach (var query in _due)
        {
            if (query.MergeCorrelation != 0)
            {
                _merging.Remove(query.MergeCorrelation);
                Fail(query, QueryFailureReason.DeadlineExceeded, "the query deadline passed while the merge agent was merging");
                continue;
            }

            for (var slot = 0; slot < query.Slots.Length; slot++)
            {
                ref var state = ref query.Slots[slot];
                if (state.Done || state.DeadlineTicks > now)
                {
                    continue;
                }

                state.Done = true;
                EndAgentSpan(query, slot, nameof(OutcomeStatus.TimedOut));
                _agentTimeouts++;
                var agent = _agents[state.Agent];
                agent.Actor.Tell(new CancelAnalysis(query.Query.Id, slot, state.Attempt), Self);
                var latencyMs = _time.GetElapsedTime(state.StartedTicks, now).TotalMilliseconds;
                Observe(query.Query, new AgentOutcome(agent.Name, 0, latencyMs, 0, OutcomeStatus.TimedOut));
                var analysis = new AgentAnalysis(agent.Name, "timed out", null, LatencyMs: latencyMs, Status: OutcomeStatus.TimedOut);
                query.Analyses[slot] = analysis;
                query.Observer?.Tell(new AgentAnswered(query.Query.Id, analysis));
                query.Remaining--;
            }

            if (query.Remaining == 0)
            {
                Conclude(query);
            }
        }
    }

    private static bool HasExpiredSlot(InFlightQuery query, long now)
    {
        foreach (var slot in query.Slots)
        {
            if (!slot.Done && slot.DeadlineTicks <= now)
            {
                return true;
            }
        }

        return false;
    }
}
