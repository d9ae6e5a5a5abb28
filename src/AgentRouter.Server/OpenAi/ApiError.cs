using System.Globalization;
using System.Text.Json;

namespace AgentRouter.Server.OpenAi;

/// <summary>An error in OpenAI's shape: <c>{"error": {"message", "type", "param", "code"}}</c> with its HTTP status.</summary>
public sealed class ApiError(int status, string type, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>For a 429 or 503: when the client may try again, sent as <c>Retry-After</c> in whole seconds (at least 1),
    /// so that clients back off for as long as the limit needs rather than guessing.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>What the server log records about a 5xx beyond the message (never sent to the client).</summary>
    public string? LogDetail { get; private set; }

    public ApiError WithLogDetail(string? detail)
    {
        LogDetail = detail;
        return this;
    }

    public static ApiError BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_request_error", message, param, code);

    public static ApiError NotFound(string message, string? param = null, string code = "not_found") =>
        new(StatusCodes.Status404NotFound, "invalid_request_error", message, param, code);

    public static ApiError Unauthorized(string message) =>
        new(StatusCodes.Status401Unauthorized, "invalid_request_error", message, null, "invalid_api_key");

    public static ApiError TooLarge(string message) =>
        new(StatusCodes.Status413PayloadTooLarge, "invalid_request_error", message, null, "request_too_large");

    /// <param name="retryAfter">How long until the limit admits this client again; every 429 carries one.</param>
    public static ApiError RateLimited(string message, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "rate_limit_error", message, null, "rate_limit_exceeded") { RetryAfter = retryAfter };

    public static ApiError Unavailable(string message) =>
        new(StatusCodes.Status503ServiceUnavailable, "server_error", message, null, "unavailable");

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", Message);
            writer.WriteString("type", Type);
            writer.WriteString("param", Param);
            writer.WriteString("code", Code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public async Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/json";
        if (RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        }

        await context.Response.Body.WriteAsync(ToJson(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Retry-After takes whole seconds; rounding up keeps a client from returning before the limit admits it.</summary>
    public static long RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
}
