using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Security;

/// <summary>Checks <c>Authorization: Bearer &lt;key&gt;</c> on the API when keys are configured. Health and
/// readiness stay open for probes; <c>/metrics</c> stays open only while the server listens on loopback alone.
/// Keys are compared in constant time and never logged; the request's caller identity (for rate limiting) is a
/// hash of the key. Requests without a valid key are limited per client address
/// (<see cref="ServerOptions.UnauthenticatedRequestsPerMinute"/>): past it they get 429 instead of 401, so that
/// guessing keys or flooding with bad ones costs the server next to nothing.</summary>
public sealed class ApiKeyMiddleware : IDisposable
{
    public const string CallerItem = "agentrouter.caller";

    private readonly RequestDelegate _next;
    private readonly byte[][] _keys;
    private readonly bool _metricsOpen;
    private readonly int _perMinute;
    private readonly PartitionedRateLimiter<string> _unauthenticated;

    public ApiKeyMiddleware(RequestDelegate next, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _keys = [.. options.ApiKeys.Select(k => Encoding.UTF8.GetBytes(k))];
        _metricsOpen = options.LoopbackOnly;
        _perMinute = options.UnauthenticatedRequestsPerMinute;
        _unauthenticated = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => PerMinute(options.UnauthenticatedRequestsPerMinute)));
    }

    /// <summary>A minute's worth of burst, refilled every second (one token at a time below 60 a minute).</summary>
    public static TokenBucketRateLimiterOptions PerMinute(int requestsPerMinute) => new()
    {
        TokenLimit = requestsPerMinute,
        TokensPerPeriod = Math.Max(1, requestsPerMinute / 60),
        ReplenishmentPeriod = requestsPerMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1) / requestsPerMinute,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>When the refused client gets its next token: the limiter's own figure, else one replenishment period.</summary>
    public static TimeSpan RetryAfterOf(RateLimitLease lease, int requestsPerMinute) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : PerMinute(requestsPerMinute).ReplenishmentPeriod;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "local";
        if (_keys.Length == 0 || IsOpen(context.Request.Path))
        {
            context.Items[CallerItem] = address;
            await _next(context).ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var presented = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()) : null;
        if (presented is null || !_keys.Any(k => CryptographicOperations.FixedTimeEquals(k, presented)))
        {
            using var lease = _unauthenticated.AttemptAcquire(address);
            var refusal = !lease.IsAcquired
                ? ApiError.RateLimited($"more than {_perMinute} requests per minute without a valid API key from this address", RetryAfterOf(lease, _perMinute))
                : ApiError.Unauthorized(presented is null ? "missing bearer API key (Authorization: Bearer <key>)" : "invalid API key");
            await refusal.WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Items[CallerItem] = "key:" + Convert.ToHexString(SHA256.HashData(presented))[..16];
        await _next(context).ConfigureAwait(false);
    }

    public void Dispose() => _unauthenticated.Dispose();

    private bool IsOpen(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || (_metricsOpen && path.StartsWithSegments("/metrics"));
}
