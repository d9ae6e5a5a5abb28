using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

/// <summary>The client addresses feedback to the router that served the query, not to every router.</summary>
public sealed class FeedbackAddressingSpec(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public async Task Feedback_on_a_query_the_client_routed_goes_to_its_router_alone()
    {
        var first = CreateTestProbe();
        var serving = CreateTestProbe();
        var everyRouter = CreateTestProbe();
        var routers = new Dictionary<string, Akka.Actor.IActorRef> { ["first"] = first.Ref, ["serving"] = serving.Ref };
        IAgentRouter client = new ActorAgentRouter(new RouterLocator(Sys, routers, "first"), everyRouter.Ref, servedCapacity: 16);

        var asked = client.AskAsync(new Query("q-1", "A or B?"), new AskOptions(Router: "serving"));
        var route = serving.ExpectMsg<RouteQuery>();
        serving.Reply(new QueryAnswered("q-1", "serving", new MergeResult("majority", "A", "A", "a1", new Dictionary<string, double>(), ""), [],
            new RoutingDecision("q-1", "fixed", ["a1"], [], "test"), 0, false));
        Assert.Equal("q-1", route.Query.Id);
        await asked;

        var submitted = client.SubmitFeedbackAsync("q-1", new FeedbackSignal.CorrectChoice("A"));
        Assert.Equal("q-1", serving.ExpectMsg<SubmitFeedback>().QueryId);
        serving.Reply(new FeedbackAccepted("q-1", "serving", new Dictionary<string, double> { ["a1"] = 1 }));
        Assert.True((await submitted).Accepted);

        // Tells are enqueued synchronously: had the client broadcast, these mailboxes would hold the message now.
        Assert.False(first.HasMessages);
        Assert.False(everyRouter.HasMessages);

        // An id this client never routed can only be found by asking every router.
        var unknown = client.SubmitFeedbackAsync("q-elsewhere", new FeedbackSignal.CorrectChoice("A"));
        everyRouter.ExpectMsg<SubmitFeedback>();
        everyRouter.Reply(new FeedbackRejected("q-elsewhere", FeedbackRejection.UnknownQuery, "no router has answered it"));
        Assert.Equal(FeedbackRejection.UnknownQuery, (await unknown).Rejection);
    }
}
