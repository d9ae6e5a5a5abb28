using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.SemanticKernel;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Endpoints;

/// <summary>From a validated chat request to the query and options a router takes, and from a failed
/// query to the OpenAI error with the right status.</summary>
internal static class ChatRouting
{
    public static (Query Query, AskOptions Ask, ModelEntry Model) Prepare(ChatRequest request, ModelCatalog catalog, ServerOptions options)
    {
        if (!catalog.TryResolve(request.Model, out var model))
        {
            throw ApiError.NotFound($"The model '{request.Model}' does not exist. Models: {catalog.Known()}.", "model", "model_not_found");
        }

        if (model.Kind == ModelKind.Agent && request.Extension.PanelSize is > 1)
        {
            throw ApiError.BadRequest($"'{request.Model}' is a single agent; 'agentrouter.panel_size' must be 1 for it", "agentrouter.panel_size", "invalid_value");
        }

        if (request.Extension.Merge is { } merge && !string.Equals(merge, MergeProtocol.LlmStrategy, StringComparison.OrdinalIgnoreCase) && !MergeCatalog.IsKnown(merge))
        {
            throw ApiError.BadRequest($"unknown merge strategy '{merge}' (known: {string.Join(", ", MergeCatalog.Names.Order())}, {MergeProtocol.LlmStrategy})", "agentrouter.merge", "invalid_value");
        }

        var queryId = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var text = ChatQueries.Flatten([.. request.Messages.Select(m => (m.Role, m.Content))]);
        // Options named in the request win; else they are read from the prompt ("A) … B) …"), else free-form.
        var chat = new ChatContent([.. request.Messages.Select(m => new ChatTurn(m.Role, m.Content))], request.Sampling);
        var query = new Query(queryId, text, request.Extension.TaskType, null, request.Extension.Options ?? OptionLetters.FromPrompt(text), chat);
        var deadline = request.Extension.Deadline ?? options.MaxDeadline;
        var agentDeadline = deadline < options.AgentDeadline ? deadline : options.AgentDeadline;
        var ask = new AskOptions(model.RouterName, request.Extension.PanelSize, request.Extension.Merge, deadline, agentDeadline);
        return (query, ask, model);
    }

    /// <summary>Client-caused failures keep their message; server-side ones say what happened in the router's
    /// terms (reasons, agent statuses) and keep the router's own message, which can hold exception text from an
    /// agent, a policy or a merge strategy, for the log only.</summary>
    public static ApiError ToError(QueryFailed failed) => (failed.Reason switch
    {
        QueryFailureReason.Rejected => ApiError.BadRequest($"the router rejected the query: {failed.Message}", failed.Field, "query_rejected"),
        QueryFailureReason.NoAgents => ApiError.Unavailable($"no agent can serve the query: {failed.Message}"),
        QueryFailureReason.AllAgentsFailed => new ApiError(StatusCodes.Status502BadGateway, "server_error",
            "every panel member failed or timed out: " + string.Join(", ", failed.Analyses.Select(a => $"{a.Agent} {a.Status}")), null, "agents_failed"),
        QueryFailureReason.DeadlineExceeded => new ApiError(StatusCodes.Status504GatewayTimeout, "server_error", $"the query deadline passed: {failed.Message}", null, "deadline_exceeded"),
        QueryFailureReason.Overloaded => new ApiError(StatusCodes.Status503ServiceUnavailable, "server_error", $"the router is overloaded: {failed.Message}", null, "overloaded"),
        QueryFailureReason.RouterStopped => new ApiError(StatusCodes.Status503ServiceUnavailable, "server_error", "the router stopped before it answered: send the query again", null, "router_stopped"),
        QueryFailureReason.Cancelled => new ApiError(499, "invalid_request_error", "the request was cancelled", null, "cancelled"),
        _ => new ApiError(StatusCodes.Status500InternalServerError, "server_error", $"the query failed on router '{failed.Router}' ({failed.Reason})", null, failed.Reason.ToString()),
    }).WithLogDetail(failed.Message);
}
