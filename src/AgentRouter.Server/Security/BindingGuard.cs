using System.Net;

namespace AgentRouter.Server.Security;

/// <summary>Refuses to expose an unauthenticated server: binding beyond loopback needs API keys.</summary>
public static class BindingGuard
{
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <exception cref="InvalidOperationException">A URL is not loopback and no API key is configured.</exception>
    public static void Check(IReadOnlyList<string> urls, IReadOnlyList<string> apiKeys)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(apiKeys);
        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && apiKeys.Count == 0)
        {
            throw new InvalidOperationException(
                $"Refusing to start: {string.Join(", ", exposed)} is reachable beyond this machine and no API key is configured. " +
                "Set AGENTROUTER_API_KEYS (comma-separated bearer keys) or pass --api-key, or bind to 127.0.0.1.");
        }
    }
}
