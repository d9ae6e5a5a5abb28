using System.Diagnostics;
using AgentRouter.Actors.Tracing;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentRouter.Server.Telemetry;

/// <summary>The host's half of tracing: the server span of each traced request, and the OpenTelemetry SDK wiring
/// (only here; the router's spans come from the BCL <see cref="ActivitySource"/> in <see cref="RouterTracing"/>).</summary>
internal static class ServerTracing
{
    /// <summary>Turns tracing on when <see cref="ServerOptions.OtlpEndpoint"/> or <see cref="ServerOptions.ConfigureTracing"/>
    /// is set; otherwise no listener exists and every span start is a cheap null.</summary>
    public static void Configure(IOpenTelemetryBuilder telemetry, ServerOptions options)
    {
        if (options.OtlpEndpoint is null && options.ConfigureTracing is null)
        {
            return;
        }

        telemetry.WithTracing(tracing =>
        {
            tracing.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("agentrouter")).AddSource(RouterTracing.SourceName);
            if (options.OtlpEndpoint is { } endpoint)
            {
                tracing.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
            }

            options.ConfigureTracing?.Invoke(tracing);
        });
    }

    /// <summary>Runs <paramref name="handler"/> inside a server span that is <see cref="Activity.Current"/> for the
    /// request's async flow (the router client reads it to parent the router's spans). A W3C <c>traceparent</c>
    /// request header, when valid, becomes its parent, so a caller's trace continues through the router.</summary>
    public static async Task TraceAsync(string name, HttpContext context, Func<HttpContext, Task> handler)
    {
        if (!RouterTracing.Source.HasListeners())
        {
            await handler(context).ConfigureAwait(false);
            return;
        }

        ActivityContext.TryParse(context.Request.Headers.TraceParent.ToString(), context.Request.Headers.TraceState.ToString(), out var parent);
        using var span = RouterTracing.Source.StartActivity(name, ActivityKind.Server, parent);
        span?.SetTag("http.request.method", context.Request.Method).SetTag("url.path", context.Request.Path.Value);
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            // A client or upstream error the error middleware turns into its status; its type, never its text.
            span?.SetTag("http.response.status_code", e.Status).SetStatus(ActivityStatusCode.Error, e.Code ?? e.Type);
            throw;
        }
        catch (Exception e)
        {
            span?.SetTag("http.response.status_code", StatusCodes.Status500InternalServerError).SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }

        span?.SetTag("http.response.status_code", context.Response.StatusCode);
    }
}
