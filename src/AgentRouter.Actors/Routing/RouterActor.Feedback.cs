using Akka.Actor;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Tracing;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;

namespace AgentRouter.Actors.Routing;

public sealed partial class RouterActor
{
    /// <summary>Delayed feedback: turned into one reward per answering panel member and delivered to this
    /// router's policy, at most once per query.</summary>
    private void OnFeedback(SubmitFeedback feedback)
    {
        var id = feedback.QueryId;
        using var span = RouterTracing.StartDetached(RouterTracing.FeedbackSpan, feedback.TraceParent)?
            .SetTag("agentrouter.query_id", id).SetTag("agentrouter.router", _settings.Name);
        switch (_ledger.Lookup(id, _time.GetTimestamp(), out var entry))
        {
            case LedgerLookup.Found:
                var panel = _answeredCodec.Panel(entry);
                var (rewards, error) = FeedbackCredit.Compute(panel, _answeredCodec.MergedChoice(entry), feedback.Signal);
                if (rewards is null)
                {
                    span?.SetTag("agentrouter.feedback", nameof(FeedbackRejection.Invalid));
                    Sender.Tell(new FeedbackRejected(id, FeedbackRejection.Invalid, error!));
                    return;
                }

                var query = _answeredCodec.Query(entry, id);
                foreach (var member in panel)
                {
                    if (rewards.TryGetValue(member.Agent, out var reward))
                    {
                        Observe(query, new AgentOutcome(member.Agent, reward, member.LatencyMs, member.Cost, OutcomeStatus.Succeeded));
                    }
                }

                _ledger.Consume(id);
                span?.SetTag("agentrouter.feedback", "accepted").SetTag("agentrouter.rewarded_agents", rewards.Count);
                Sender.Tell(new FeedbackAccepted(id, _settings.Name, rewards));
                return;

            case LedgerLookup.Duplicate:
                span?.SetTag("agentrouter.feedback", nameof(FeedbackRejection.Duplicate));
                Sender.Tell(new FeedbackRejected(id, FeedbackRejection.Duplicate, $"feedback for query '{id}' was already accepted by router '{_settings.Name}'"));
                return;

            case LedgerLookup.Expired:
                span?.SetTag("agentrouter.feedback", nameof(FeedbackRejection.Expired));
                Sender.Tell(new FeedbackRejected(id, FeedbackRejection.Expired,
                    $"query '{id}' was answered by router '{_settings.Name}' but its feedback window (TTL {_settings.EffectiveFeedbackTimeToLive}, capacity {_settings.PendingFeedbackCapacity}) has passed"));
                return;

            default:
                var inFlight = _inFlight.ContainsKey(id);
                span?.SetTag("agentrouter.feedback", nameof(FeedbackRejection.UnknownQuery));
                var why = inFlight
                    ? $"query '{id}' is still in flight on router '{_settings.Name}'; feedback is accepted once it is answered"
                    : $"router '{_settings.Name}' has not answered a query with id '{id}'";
                Sender.Tell(new FeedbackRejected(id, FeedbackRejection.UnknownQuery, why, inFlight));
                return;
        }
    }
}
