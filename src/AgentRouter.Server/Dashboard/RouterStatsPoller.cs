using Akka.Actor;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Server.Dashboard;

/// <summary>Asks every router for its counters once per dashboard interval (in-flight queries, the
/// pending-feedback table) so that gauges and the dashboard read a recent copy instead of asking per scrape.</summary>
public sealed class RouterStatsPoller(ServerRuntime runtime, DashboardState dashboard, ServerOptions options, ILogger<RouterStatsPoller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DashboardInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!runtime.IsReady)
            {
                continue;
            }

            try
            {
                dashboard.UpdateRouterStats(await runtime.Router.GetStatsAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is AskTimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("router statistics unavailable this round: {Reason}", e.Message);
            }
        }
    }
}
