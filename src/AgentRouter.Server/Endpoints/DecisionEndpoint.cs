using System.Text.Json.Nodes;
using AgentRouter.Actors;
using AgentRouter.Core.Domain;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Endpoints;

/// <summary><c>POST /v1/route</c>: the same body as a chat completion; answers with the routing decision
/// only: the router's policy selects a panel over the live agents, and no agent is called.</summary>
internal sealed class DecisionEndpoint(ServerRuntime runtime, ServerOptions options)
{
    public async Task HandleAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadJsonAsync(context.Request, options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var request = ChatRequestParser.Parse(body.RootElement, options);
        var (query, ask, model) = ChatRouting.Prepare(request, runtime.Catalog, options);
        RoutingDecision made;
        try
        {
            made = await runtime.Router.DecideAsync(query, ask, context.RequestAborted).ConfigureAwait(false);
        }
        catch (QueryFailedException e)
        {
            throw ChatRouting.ToError(e.Failure);
        }

        var decision = OutcomeJson.Decision(made);
        decision["object"] = "agentrouter.route";
        decision["query_id"] = query.Id;
        decision["model"] = model.Id;
        decision["router"] = model.RouterName;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(decision.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
