using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Protocol;
using AgentRouter.Server.Dashboard;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;
using AgentRouter.Server.Telemetry;

namespace AgentRouter.Server.Endpoints;

/// <summary><c>POST /v1/feedback</c>: <c>{"query_id", and exactly one of "reward" (0..1), "correct" (bool),
/// "choice" (the correct option), "rewards" ({agent: 0..1})}</c>. Unknown ids are 404, expired 410,
/// duplicates 409, invalid signals 400, and feedback a cluster node cannot record durably now 503.</summary>
internal sealed class FeedbackEndpoint(ServerRuntime runtime, ServerOptions options, DashboardState dashboard, ServerMetrics metrics)
{
    public async Task HandleAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadJsonAsync(context.Request, options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var root = JsonFields.RequireObject(body.RootElement);
        var queryId = JsonFields.Short(root, "query_id", "query_id", options.MaxFieldChars);
        if (string.IsNullOrWhiteSpace(queryId))
        {
            throw ApiError.BadRequest("'query_id' is required (the 'id' of a chat completion)", "query_id", "missing_required_parameter");
        }

        var reward = JsonFields.Number(root, "reward", "reward");
        var correct = JsonFields.Bool(root, "correct", "correct");
        var choice = JsonFields.Short(root, "choice", "choice", options.MaxFieldChars);
        var rewards = ReadRewards(root, options.MaxFieldChars);
        var given = (reward is null ? 0 : 1) + (correct is null ? 0 : 1) + (choice is null ? 0 : 1) + (rewards is null ? 0 : 1);
        if (given != 1)
        {
            throw ApiError.BadRequest($"give exactly one of 'reward', 'correct', 'choice' or 'rewards' (got {given})", null, "invalid_feedback");
        }

        if (reward is < 0 or > 1)
        {
            throw ApiError.BadRequest($"'reward' must be in [0, 1], got {reward}", "reward", "invalid_value");
        }

        FeedbackSignal signal = reward is { } r ? new FeedbackSignal.AnswerReward(r)
            : correct is { } c ? new FeedbackSignal.AnswerCorrectness(c)
            : choice is { } k ? new FeedbackSignal.CorrectChoice(k)
            : new FeedbackSignal.PerAgentRewards(rewards!);
        var result = await runtime.Router.SubmitFeedbackAsync(queryId, signal, context.RequestAborted).ConfigureAwait(false);
        metrics.Feedback(result.Accepted ? "accepted" : result.Rejection.ToString()!.ToLowerInvariant());
        if (!result.Accepted)
        {
            throw result.Rejection switch
            {
                FeedbackRejection.UnknownQuery => ApiError.NotFound(result.Message, "query_id", "unknown_query"),
                FeedbackRejection.Expired => new ApiError(StatusCodes.Status410Gone, "invalid_request_error", result.Message, "query_id", "feedback_expired"),
                FeedbackRejection.Duplicate => new ApiError(StatusCodes.Status409Conflict, "invalid_request_error", result.Message, "query_id", "duplicate_feedback"),
                FeedbackRejection.Unavailable => ApiError.Unavailable(result.Message),
                _ => ApiError.BadRequest(result.Message, null, "invalid_feedback"),
            };
        }

        dashboard.RecordFeedback(queryId, reward, correct, choice);
        var response = new JsonObject
        {
            ["object"] = "agentrouter.feedback",
            ["query_id"] = queryId,
            ["accepted"] = true,
            ["router"] = result.Router,
            ["rewards"] = new JsonObject(result.Rewards.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>At most this many agents in one 'rewards' object (a panel is at most 64).</summary>
    private const int MaxRewards = 64;

    private static Dictionary<string, double>? ReadRewards(JsonElement root, int maxNameChars)
    {
        if (!root.TryGetProperty("rewards", out var node) || node.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"'rewards' must be an object of agent → reward, got {JsonFields.Describe(node)}", "rewards", "invalid_type");
        }

        var rewards = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in node.EnumerateObject())
        {
            JsonFields.CheckLength(property.Name, "rewards.<agent>", maxNameChars);
            if (rewards.Count == MaxRewards)
            {
                throw ApiError.BadRequest($"'rewards' names more than {MaxRewards} agents", "rewards", "too_many_rewards");
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var reward) || reward is < 0 or > 1)
            {
                throw ApiError.BadRequest($"'rewards.{property.Name}' must be a number in [0, 1]", "rewards." + property.Name, "invalid_value");
            }

            rewards[property.Name] = reward;
        }

        return rewards;
    }
}
