using System.Text;
using System.Text.Json;
using AgentRouter.Core.Domain;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Server.OpenAi;

/// <summary>Validates a chat completion body against OpenAI's schema and the server's caps. Every
/// rejection is a 400 naming the offending field (e.g. <c>messages[2].content</c>).</summary>
public static class ChatRequestParser
{
    private static readonly string[] RoleNames = ["system", "developer", "user", "assistant", "tool"];
    private static readonly HashSet<string> Roles = new(RoleNames, StringComparer.Ordinal);

    public static ChatRequest Parse(JsonElement root, ServerOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        JsonFields.RequireObject(root);
        var model = JsonFields.Short(root, "model", "model", limits.MaxFieldChars);
        if (string.IsNullOrWhiteSpace(model))
        {
            throw ApiError.BadRequest("'model' is required: an agent name, 'router' or 'router:<preset>' (see GET /v1/models)", "model", "missing_required_parameter");
        }

        var messages = ParseMessages(root, limits);
        var stream = JsonFields.Bool(root, "stream", "stream") ?? false;
        var includeUsage = false;
        if (root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind != JsonValueKind.Null)
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'stream_options' must be an object, got {JsonFields.Describe(streamOptions)}", "stream_options", "invalid_type");
            }

            includeUsage = JsonFields.Bool(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
        }

        var maxTokens = CheckMaxTokens(JsonFields.Integer(root, "max_completion_tokens", "max_completion_tokens"), "max_completion_tokens", limits)
            ?? CheckMaxTokens(JsonFields.Integer(root, "max_tokens", "max_tokens"), "max_tokens", limits);
        if (JsonFields.Integer(root, "n", "n") is { } n && n != 1)
        {
            throw ApiError.BadRequest($"'n' must be 1: the router returns one merged answer, got {n}", "n", "invalid_value");
        }

        if (JsonFields.Number(root, "temperature", "temperature") is { } temperature && temperature is < 0 or > 2)
        {
            throw ApiError.BadRequest($"'temperature' must be in [0, 2], got {temperature}", "temperature", "invalid_value");
        }

        var topP = JsonFields.Number(root, "top_p", "top_p");
        if (topP is { } p && !(p > 0 && p <= 1))
        {
            throw ApiError.BadRequest($"'top_p' must be in (0, 1], got {p}", "top_p", "invalid_value");
        }

        var seed = JsonFields.Integer(root, "seed", "seed");
        if (seed is < int.MinValue or > int.MaxValue)
        {
            throw ApiError.BadRequest($"'seed' must fit in 32 bits, got {seed}", "seed", "invalid_value");
        }

        var sampling = new SamplingRequest(JsonFields.Number(root, "temperature", "temperature"), topP, maxTokens, ParseStop(root), (int?)seed);
        return new ChatRequest(model, messages, stream, includeUsage, maxTokens, ParseExtension(root, limits), sampling);
    }

    /// <summary><c>stop</c>: a string or an array of up to four non-empty strings (OpenAI's limit).</summary>
    private static List<string>? ParseStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return stop.GetString()!.Length > 0 ? [stop.GetString()!] : throw ApiError.BadRequest("'stop' must not be empty", "stop", "invalid_value");
        }

        if (stop.ValueKind != JsonValueKind.Array || stop.GetArrayLength() > 4
            || stop.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String || item.GetString()!.Length == 0))
        {
            throw ApiError.BadRequest($"'stop' must be a string or an array of at most 4 non-empty strings, got {JsonFields.Describe(stop)}", "stop", "invalid_value");
        }

        return [.. stop.EnumerateArray().Select(item => item.GetString()!)];
    }

    private static int? CheckMaxTokens(long? value, string field, ServerOptions limits) => value switch
    {
        null => null,
        < 1 => throw ApiError.BadRequest($"'{field}' must be at least 1, got {value}", field, "invalid_value"),
        _ when value > limits.MaxTokensCap => throw ApiError.BadRequest($"'{field}' must be at most {limits.MaxTokensCap}, got {value}", field, "invalid_value"),
        _ => (int)value,
    };

    private static List<ChatMessageInput> ParseMessages(JsonElement root, ServerOptions limits)
    {
        if (!root.TryGetProperty("messages", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            throw ApiError.BadRequest("'messages' is required: a non-empty array of {role, content}", "messages", "missing_required_parameter");
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'messages' must be an array, got {JsonFields.Describe(array)}", "messages", "invalid_type");
        }

        var count = array.GetArrayLength();
        if (count == 0)
        {
            throw ApiError.BadRequest("'messages' must not be empty", "messages", "invalid_value");
        }

        if (count > limits.MaxMessages)
        {
            throw ApiError.BadRequest($"'messages' has {count} entries; the limit is {limits.MaxMessages}", "messages", "too_many_messages");
        }

        var messages = new List<ChatMessageInput>(count);
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            // Field paths ("messages[2].role") are built only for an error message.
            var at = index++;
            if (message.ValueKind != JsonValueKind.Object)
            {
                var path = $"messages[{at}]";
                throw ApiError.BadRequest($"'{path}' must be an object, got {JsonFields.Describe(message)}", path, "invalid_type");
            }

            var role = ReadRole(message, at);
            var content = ReadContent(message, at);
            if (role is "user" or "system" or "developer" && string.IsNullOrWhiteSpace(content))
            {
                throw ApiError.BadRequest($"'messages[{at}].content' must not be empty", $"messages[{at}].content", "invalid_value");
            }

            if (content.Length > limits.MaxMessageChars)
            {
                throw ApiError.BadRequest($"'messages[{at}].content' has {content.Length} characters; the limit is {limits.MaxMessageChars}", $"messages[{at}].content", "message_too_long");
            }

            messages.Add(new ChatMessageInput(role, content));
        }

        return messages;
    }

    /// <summary>The role as one of the shared literals of <see cref="Roles"/> (no string per message).</summary>
    private static string ReadRole(JsonElement message, int at)
    {
        if (message.TryGetProperty("role"u8, out var value) && value.ValueKind == JsonValueKind.String)
        {
            foreach (var known in RoleNames)
            {
                if (value.ValueEquals(known))
                {
                    return known;
                }
            }
        }

        var path = $"messages[{at}].role";
        var role = JsonFields.String(message, "role", path)
            ?? throw ApiError.BadRequest($"'{path}' is required", path, "missing_required_parameter");
        return Roles.Contains(role)
            ? role
            : throw ApiError.BadRequest($"'{path}' must be one of {string.Join(", ", Roles)}, got '{role}'", path, "invalid_value");
    }

    /// <summary>Content is a string or an array of parts; only text parts can be routed.</summary>
    private static string ReadContent(JsonElement message, int at)
    {
        if (!message.TryGetProperty("content"u8, out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        var path = $"messages[{at}].content";

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"'{path}' must be a string or an array of content parts, got {JsonFields.Describe(content)}", path, "invalid_type");
        }

        var text = new StringBuilder();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"'{partPath}' must be an object, got {JsonFields.Describe(part)}", partPath, "invalid_type");
            }

            var type = JsonFields.String(part, "type", partPath + ".type");
            if (type != "text")
            {
                throw ApiError.BadRequest($"'{partPath}.type' must be 'text' (the router routes text only), got '{type}'", partPath + ".type", "unsupported_content");
            }

            text.Append(JsonFields.String(part, "text", partPath + ".text") ?? "");
        }

        return text.ToString();
    }

    private static RoutingExtension ParseExtension(JsonElement root, ServerOptions limits)
    {
        if (!root.TryGetProperty("agentrouter", out var ext) || ext.ValueKind == JsonValueKind.Null)
        {
            return new RoutingExtension(Deadline: limits.MaxDeadline);
        }

        if (ext.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"'agentrouter' must be an object, got {JsonFields.Describe(ext)}", "agentrouter", "invalid_type");
        }

        var panel = JsonFields.Integer(ext, "panel_size", "agentrouter.panel_size");
        if (panel is < 1 or > 64)
        {
            throw ApiError.BadRequest($"'agentrouter.panel_size' must be in [1, 64], got {panel}", "agentrouter.panel_size", "invalid_value");
        }

        var deadlineMs = JsonFields.Integer(ext, "deadline_ms", "agentrouter.deadline_ms");
        if (deadlineMs is { } ms && (ms < 1 || ms > limits.MaxDeadline.TotalMilliseconds))
        {
            throw ApiError.BadRequest($"'agentrouter.deadline_ms' must be in [1, {limits.MaxDeadline.TotalMilliseconds:0}], got {ms}", "agentrouter.deadline_ms", "invalid_value");
        }

        List<string>? options = null;
        if (ext.TryGetProperty("options", out var optionsNode) && optionsNode.ValueKind != JsonValueKind.Null)
        {
            if (optionsNode.ValueKind != JsonValueKind.Array || optionsNode.EnumerateArray().Any(o => o.ValueKind != JsonValueKind.String || o.GetString()!.Length == 0))
            {
                throw ApiError.BadRequest("'agentrouter.options' must be an array of non-empty strings", "agentrouter.options", "invalid_type");
            }

            options = [.. optionsNode.EnumerateArray().Select((o, i) => JsonFields.CheckLength(o.GetString()!, $"agentrouter.options[{i}]", limits.MaxFieldChars))];
            if (options.Count is < 2 or > 26 || options.Distinct().Count() != options.Count)
            {
                throw ApiError.BadRequest("'agentrouter.options' must hold 2 to 26 distinct options", "agentrouter.options", "invalid_value");
            }
        }

        return new RoutingExtension(
            JsonFields.Short(ext, "task_type", "agentrouter.task_type", limits.MaxFieldChars),
            options,
            (int?)panel,
            JsonFields.Short(ext, "merge", "agentrouter.merge", limits.MaxFieldChars),
            deadlineMs is { } d ? TimeSpan.FromMilliseconds(d) : limits.MaxDeadline);
    }
}
