using System.Text.Json.Nodes;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Endpoints;

/// <summary><c>GET /v1/models</c>, <c>GET /v1/models/{id}</c>, <c>/healthz</c> (the process answers) and
/// <c>/readyz</c> (the actor runtime runs and accepts queries).</summary>
internal static class InfoEndpoints
{
    private static readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/models", (ServerRuntime runtime) =>
            Results.Text(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. runtime.Catalog.Entries.Select(e => (JsonNode)Model(e))]),
            }.ToJsonString(), "application/json"));
        app.MapGet("/v1/models/{id}", (string id, ServerRuntime runtime) =>
            runtime.Catalog.TryResolve(id, out var entry)
                ? Results.Text(Model(entry).ToJsonString(), "application/json")
                : throw ApiError.NotFound($"The model '{id}' does not exist.", "model", "model_not_found"));
        app.MapGet("/healthz", () => Results.Text("""{"status":"ok"}""", "application/json"));
        app.MapGet("/readyz", (ServerRuntime runtime) => runtime.IsReady
            ? Results.Text("""{"status":"ready"}""", "application/json")
            : Results.Text("""{"status":"starting"}""", "application/json", statusCode: StatusCodes.Status503ServiceUnavailable));
    }

    private static JsonObject Model(ModelEntry entry) => new()
    {
        ["id"] = entry.Id,
        ["object"] = "model",
        ["created"] = Created,
        ["owned_by"] = "agentrouter",
        ["agentrouter"] = new JsonObject { ["kind"] = entry.KindName, ["policy"] = entry.Policy, ["description"] = entry.Description },
    };
}
