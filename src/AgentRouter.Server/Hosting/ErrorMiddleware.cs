using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Hosting;

/// <summary>Every failure leaves as an OpenAI-shaped error with its status: typed API errors as they are,
/// Kestrel's own rejections (oversized or malformed requests) with their status, unmatched routes and
/// methods as 404/405, and anything unexpected as a 500. The server itself stays up.
/// Client errors (4xx) are answered, not logged. A 5xx is logged once, here, with an error id that is also
/// the only thing its body says about the cause: exception text (paths, types, internals) never reaches a
/// client.</summary>
internal sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
            if (!context.Response.HasStarted && context.Response.ContentType is null)
            {
                var status = context.Response.StatusCode;
                if (status == StatusCodes.Status404NotFound)
                {
                    await ApiError.NotFound($"no endpoint {context.Request.Method} {context.Request.Path}", null, "unknown_url").WriteAsync(context).ConfigureAwait(false);
                }
                else if (status == StatusCodes.Status405MethodNotAllowed)
                {
                    await new ApiError(status, "invalid_request_error", $"method {context.Request.Method} is not allowed on {context.Request.Path}", null, "method_not_allowed").WriteAsync(context).ConfigureAwait(false);
                }
            }
        }
        catch (ApiError error) when (error.Status < StatusCodes.Status500InternalServerError)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
        }
        catch (ApiError error)
        {
            // Typed server-side failures (no agent, all agents failed, deadline): their messages are written
            // for clients; the id ties the answer to the log line.
            var id = ErrorId(context);
            log.LogWarning("{ErrorId} {Method} {Path} answered {Status} {Code}: {Message} {Detail}", id, context.Request.Method, context.Request.Path, error.Status, error.Code, error.Message, error.LogDetail);
            await new ApiError(error.Status, error.Type, $"{error.Message} (error id {id})", error.Param, error.Code).WriteAsync(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await new ApiError(e.StatusCode, "invalid_request_error", e.Message, null, "bad_request").WriteAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception e)
        {
            var id = ErrorId(context);
            log.LogError(e, "{ErrorId} unhandled error on {Method} {Path}", id, context.Request.Method, context.Request.Path);
            await new ApiError(StatusCodes.Status500InternalServerError, "server_error", $"internal error (error id {id}; the server log has the details)", null, "internal_error")
                .WriteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>The trace id when the request is traced (so the error also finds its spans), else a fresh one.</summary>
    private static string ErrorId(HttpContext context) =>
        "err-" + (System.Diagnostics.Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier.Replace(':', '-'));
}
