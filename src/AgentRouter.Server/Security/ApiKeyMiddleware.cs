using System.Security.Cryptography;
using System.Text;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Security;

/// <summary>Checks <c>Authorization: Bearer &lt;key&gt;</c> on the API when keys are configured (health,
/// readiness and metrics stay open for probes). Keys are compared in constant time and never logged; the
/// request's caller identity (for rate limiting) is a hash of the key.</summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IReadOnlyList<string> keys)
{
    public const string CallerItem = "agentrouter.caller";

    private readonly byte[][] _keys = [.. keys.Select(k => Encoding.UTF8.GetBytes(k))];

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_keys.Length == 0 || IsOpen(context.Request.Path))
        {
            context.Items[CallerItem] = context.Connection.RemoteIpAddress?.ToString() ?? "local";
            await next(context).ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            await ApiError.Unauthorized("missing bearer API key (Authorization: Bearer <key>)").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        var presented = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        if (!_keys.Any(k => CryptographicOperations.FixedTimeEquals(k, presented)))
        {
            await ApiError.Unauthorized("invalid API key").WriteAsync(context).ConfigureAwait(false);
            return;
        }

        context.Items[CallerItem] = "key:" + Convert.ToHexString(SHA256.HashData(presented))[..16];
        await next(context).ConfigureAwait(false);
    }

    private static bool IsOpen(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
