using Akka.Actor;

namespace AgentRouter.Cluster.Hosting;

/// <summary>Seed node addresses as operators write them: <c>host:port</c>, or a full <c>akka.tcp://system@host:port</c>.</summary>
public static class SeedAddress
{
    public static bool TryParse(string seed, string systemName, out Address? address, out string error)
    {
        address = null;
        error = "";
        var text = seed.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                error = $"'{seed}' is not host:port or an akka.tcp:// address";
                return false;
            }

            text = $"akka.tcp://{systemName}@{text[..colon]}:{port}";
        }

        try
        {
            address = Address.Parse(text);
        }
        catch (UriFormatException e)
        {
            error = $"'{seed}' is not a valid address: {e.Message}";
            return false;
        }

        if (address.System != systemName)
        {
            error = $"'{seed}' names actor system '{address.System}', but this cluster's is '{systemName}'";
            return false;
        }

        return true;
    }

    public static Address Parse(string seed, string systemName) =>
        TryParse(seed, systemName, out var address, out var error) ? address! : throw new ArgumentException(error, nameof(seed));
}
