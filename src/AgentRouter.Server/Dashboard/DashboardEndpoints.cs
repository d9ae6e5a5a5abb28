using System.Text;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;
using AgentRouter.Server.Security;

namespace AgentRouter.Server.Dashboard;

/// <summary><c>/dashboard</c> (the page), <c>/dashboard/state</c> (one JSON snapshot) and
/// <c>/dashboard/events</c> (the same snapshot as server-sent events, once per interval, for live updates;
/// <c>?limit=N</c> ends the stream after N events, for clients that cannot close it themselves). Viewers
/// count against the stream limits and are dropped when they stop reading.</summary>
internal static class DashboardEndpoints
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("AgentRouter.Server.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is missing from the assembly's resources");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static void Map(WebApplication app)
    {
        app.MapGet("/dashboard", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        app.MapGet("/dashboard/state", (DashboardState state) => Results.Text(state.Snapshot().ToJsonString(), "application/json"));
        app.MapGet("/dashboard/events", async (HttpContext context, DashboardState state, ServerOptions options, StreamGate streams, IHostApplicationLifetime lifetime, int? limit) =>
        {
            if (limit is < 1)
            {
                throw ApiError.BadRequest($"'limit' must be at least 1, got {limit}", "limit", "invalid_value");
            }

            using var lease = streams.Enter(context.Connection.RemoteIpAddress);

            // Ends with the client or with the server's shutdown, which must not wait for open dashboards.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            using var timer = new PeriodicTimer(options.DashboardInterval);
            var sent = 0;
            var aborted = ended.Token;
            do
            {
                var payload = Encoding.UTF8.GetBytes("data: " + state.Snapshot().ToJsonString() + "\n\n");
                if (!await StreamWrites.WriteAsync(context, payload, options.StreamWriteTimeout).ConfigureAwait(false))
                {
                    return;
                }

                sent++;
            }
            while ((limit is null || sent < limit) && !aborted.IsCancellationRequested && await Tick(timer, aborted).ConfigureAwait(false));
        });
    }

    /// <summary>False once the stream should end (client gone or server stopping).</summary>
    private static async ValueTask<bool> Tick(PeriodicTimer timer, CancellationToken ended)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ended).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            return false;
        }
    }
}
