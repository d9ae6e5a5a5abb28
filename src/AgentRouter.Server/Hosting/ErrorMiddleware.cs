using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Hosting;

/// <summary>Every failure leaves as an OpenAI-shaped error with its status: typed API errors as they are,
/// Kestrel's own rejections (oversized or malformed requests) with their status, unmatched routes and
/// methods as 404/405, and anything unexpected as a logged 500. The server itself stays up.</summary>
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
        catch (ApiError error)
        {
            await error.WriteAsync(context).ConfigureAwait(false);
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
            log.LogError(e, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await new ApiError(StatusCodes.Status500InternalServerError, "server_error", $"internal error: {e.GetType().Name}: {e.Message}", null, "internal_error")
                .WriteAsync(context).ConfigureAwait(false);
        }
    }
}
