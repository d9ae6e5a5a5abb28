using Akka.Actor;
using AgentRouter.Actors.Protocol;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;

namespace AgentRouter.Actors.Feedback;

/// <summary>Entry point for delayed feedback on a query id the client did not route itself (clients address feedback
/// on their own queries to the serving router directly): the feedback goes to every router; the one holding the query delivers rewards to its policy. The most informative
/// answer wins: accepted, then invalid, duplicate, expired, unknown. Feedback is rare next to queries, so a
/// scatter-gather of Asks is fine here.</summary>
public sealed class FeedbackCoordinatorActor : ReceiveActor
{
    public FeedbackCoordinatorActor(IReadOnlyList<IActorRef> routers, TimeSpan routerTimeout)
    {
        Receive<SubmitFeedback>(feedback =>
        {
            var replyTo = Sender;
            Gather(routers, feedback, routerTimeout).PipeTo(replyTo);
        });
    }

    public static Props Props(IReadOnlyList<IActorRef> routers, TimeSpan routerTimeout) =>
        Akka.Actor.Props.Create(() => new FeedbackCoordinatorActor(routers, routerTimeout));

    private static async Task<object> Gather(IReadOnlyList<IActorRef> routers, SubmitFeedback feedback, TimeSpan timeout)
    {
        var answers = await Task.WhenAll(routers.Select(async router =>
        {
            try
            {
                return await router.Ask<object>(feedback, timeout).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                return new FeedbackRejected(feedback.QueryId, FeedbackRejection.UnknownQuery, $"router {router.Path.Name} did not answer within {timeout}");
            }
        })).ConfigureAwait(false);

        var accepted = answers.OfType<FeedbackAccepted>().FirstOrDefault();
        if (accepted is not null)
        {
            return accepted;
        }

        var rejections = answers.OfType<FeedbackRejected>().ToList();
        foreach (var reason in new[] { FeedbackRejection.Invalid, FeedbackRejection.Duplicate, FeedbackRejection.Expired })
        {
            if (rejections.FirstOrDefault(r => r.Reason == reason) is { } rejection)
            {
                return rejection;
            }
        }

        return rejections.FirstOrDefault(r => r.InFlight)
            ?? new FeedbackRejected(feedback.QueryId, FeedbackRejection.UnknownQuery, $"no router has answered a query with id '{feedback.QueryId}'");
    }
}
