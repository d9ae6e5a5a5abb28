using System.Text.Json.Nodes;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Endpoints;

/// <summary><c>POST /v1/route</c>: the same body as a chat completion; answers with the routing decision
/// only. The router decides and dispatches as for any query; the query is cancelled as soon as the decision
/// is known, which cancels the agents' work, and nothing is merged or returned from them.</summary>
internal sealed class DecisionEndpoint(ServerRuntime runtime, ServerOptions options)
{
    public async Task HandleAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadJsonAsync(context.Request, options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var request = ChatRequestParser.Parse(body.RootElement, options);
        var (query, ask, model) = ChatRouting.Prepare(request, runtime.Catalog);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        JsonObject? decision = null;
        QueryFailed? failure = null;
        try
        {
            await foreach (var item in runtime.Router.StreamAsync(query, ask, cancel.Token).ConfigureAwait(false))
            {
                if (item is RouterEvent.Decided decided && decision is null)
                {
                    decision = OutcomeJson.Decision(decided.Decision);
                    await cancel.CancelAsync().ConfigureAwait(false);
                }
                else if (item is RouterEvent.Finished { Outcome: QueryFailed failed } && decision is null)
                {
                    failure = failed;
                }
            }
        }
        catch (OperationCanceledException) when (decision is not null && !context.RequestAborted.IsCancellationRequested)
        {
            // Our own cancellation after the decision: the agents were told to stop.
        }

        if (decision is null)
        {
            throw failure is not null ? ChatRouting.ToError(failure) : ApiError.Unavailable("the router gave no decision");
        }

        decision["object"] = "agentrouter.route";
        decision["query_id"] = query.Id;
        decision["model"] = model.Id;
        decision["router"] = model.RouterName;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(decision.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
