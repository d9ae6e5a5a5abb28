using System.Diagnostics;
using AgentRouter.Actors;
using AgentRouter.Actors.Tracing;
using System.Threading.RateLimiting;
using AgentRouter.Server.Dashboard;
using AgentRouter.Server.Endpoints;
using AgentRouter.Server.OpenAi;
using AgentRouter.Server.Security;
using AgentRouter.Server.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry.Metrics;

namespace AgentRouter.Server.Hosting;

/// <summary>The OpenAI-compatible HTTP server over the orchestrator (ASP.NET Core minimal APIs on Kestrel).</summary>
public sealed class AgentRouterServer : IAsyncDisposable
{
    private AgentRouterServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        App = app;
        Addresses = addresses;
    }

    public WebApplication App { get; }

    /// <summary>The addresses Kestrel actually listens on (port 0 resolved).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    public Uri BaseAddress => Addresses[0];

    public ServerRuntime Runtime => App.Services.GetRequiredService<ServerRuntime>();

    public DashboardState Dashboard => App.Services.GetRequiredService<DashboardState>();

    /// <summary>Builds, starts (actor runtime first, then Kestrel) and returns the running server.</summary>
    /// <exception cref="InvalidOperationException">A URL is beyond loopback and no API key is configured.</exception>
    /// <param name="compose">Adds to the composition root (backend kinds such as <c>local</c>, merge strategies,
    /// policies) after the server's own registrations (<see cref="ServerRuntime.AddServerDefaults"/>).</param>
    public static async Task<AgentRouterServer> StartAsync(ServerOptions options, Action<AgentRouterBuilder>? compose = null, CancellationToken cancellationToken = default)
    {
        var app = Build(options, compose);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("://[::]", "://localhost", StringComparison.Ordinal)))
            .ToList();
        return new AgentRouterServer(app, addresses);
    }

    /// <summary>The host's default reloads appsettings.json on change by watching the working directory recursively:
    /// one inotify watch per folder under wherever `serve` was started (1,114 in this repository, thousands in a home
    /// directory, against a per-user limit), and a share of the CPU under load whenever files change there (about 4 % of
    /// the server's samples while a build ran). The server takes its settings from options and the environment.</summary>
    internal static readonly string[] NoConfigWatching = ["--hostBuilder:reloadConfigOnChange=false"];

    public static WebApplication Build(ServerOptions options, Action<AgentRouterBuilder>? compose = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        BindingGuard.Check(options.Urls, options.ApiKeys);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(AgentRouterServer).Assembly.GetName().Name, Args = NoConfigWatching });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // A failed start is rethrown to the caller with its message; the host's own log of it would repeat it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The handler enforces the exact cap with an OpenAI-shaped 413; Kestrel's limit is the backstop.
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1;
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
        });
        builder.Services.AddSingleton(options);
        var agentRouter = ServerRuntime.AddServerDefaults(builder.Services.AddAgentRouter());
        compose?.Invoke(agentRouter);
        builder.Services.AddSingleton<ServerRuntime>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ServerRuntime>());
        builder.Services.AddSingleton<DashboardState>();
        builder.Services.AddSingleton<StreamGate>();

        // A query string that does not bind (e.g. ?limit=abc) throws, so the error middleware answers 400 with a body.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddHostedService<RouterStatsPoller>();
        builder.Services.AddSingleton<ChatCompletionsEndpoint>();
        builder.Services.AddSingleton<FeedbackEndpoint>();
        builder.Services.AddSingleton<DecisionEndpoint>();
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ServerMetrics.MeterName, ServerMetrics.KvCacheMeterName, AgentRouter.Core.Policies.TaskTypeLimit.MeterName).AddPrometheusExporter());
        ServerTracing.Configure(telemetry, options);
        builder.Services.AddRateLimiter(limiter =>
        {
            // One bucket setting and one factory for every partition, not a closure per request.
            var bucket = ApiKeyMiddleware.PerMinute(options.RequestsPerMinute);
            Func<string, TokenBucketRateLimiterOptions> bucketFactory = _ => bucket;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsProbe(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("probes")
                    : RateLimitPartition.GetTokenBucketLimiter(context.Items[ApiKeyMiddleware.CallerItem] as string ?? "anonymous", bucketFactory));
            limiter.OnRejected = (rejected, _) => new ValueTask(
                ApiError.RateLimited($"rate limit of {options.RequestsPerMinute} requests per minute exceeded for this API key", ApiKeyMiddleware.RetryAfterOf(rejected.Lease, options.RequestsPerMinute))
                    .WriteAsync(rejected.HttpContext));
        });
        if (options.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
                policy.WithOrigins([.. options.CorsOrigins]).WithMethods("GET", "POST").WithHeaders("Authorization", "Content-Type")));
        }

        var app = builder.Build();
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseMiddleware<ErrorMiddleware>();
        if (options.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        app.UseMiddleware<ApiKeyMiddleware>(options);
        app.UseRateLimiter();
        // Singletons resolved once: a request that resolves nothing from RequestServices never creates a DI scope.
        var runtime = app.Services.GetRequiredService<ServerRuntime>();
        app.Use((context, next) =>
        {
            // Readiness gate: the API needs the actor runtime; probes, metrics and the dashboard page do not.
            if (!runtime.IsReady && context.Request.Path.StartsWithSegments("/v1"))
            {
                throw ApiError.Unavailable("the server is starting or stopping; retry shortly");
            }

            return next(context);
        });

        var chat = app.Services.GetRequiredService<ChatCompletionsEndpoint>();
        Func<HttpContext, Task> handleChat = chat.HandleAsync;
        app.MapPost("/v1/chat/completions", context => ServerTracing.TraceAsync(RouterTracing.ServerChatSpan, context, handleChat));
        app.MapPost("/v1/feedback", (HttpContext context, FeedbackEndpoint endpoint) =>
            ServerTracing.TraceAsync(RouterTracing.ServerFeedbackSpan, context, endpoint.HandleAsync));
        app.MapPost("/v1/route", (HttpContext context, DecisionEndpoint endpoint) => endpoint.HandleAsync(context));
        InfoEndpoints.Map(app);
        DashboardEndpoints.Map(app);
        app.MapPrometheusScrapingEndpoint("/metrics");
        _ = app.Services.GetRequiredService<ServerMetrics>();
        return app;
    }

    internal static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
