using System.Net;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Security;

/// <summary>Counts open server-sent-event streams (dashboard viewers, streamed chats) overall and per client
/// address and refuses a new one with 429 beyond either limit, so that held-open streams cannot pin an
/// unbounded number of buffers and timers. The per-client table holds only clients with a stream open.</summary>
public sealed class StreamGate(ServerOptions options)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private int _open;

    /// <summary>How long a refused stream is told to wait. Streams end at unknown times, so this is a polite poll
    /// interval rather than a promise; it keeps clients that honour Retry-After from hammering the gate.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public int Open
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <exception cref="ApiError">429: too many streams open, overall or from this client.</exception>
    public IDisposable Enter(IPAddress? client)
    {
        var key = client?.ToString() ?? "local";
        lock (_gate)
        {
            if (_open >= options.MaxStreams)
            {
                throw ApiError.RateLimited($"the server has {options.MaxStreams} streams open, its limit; retry later", RetryAfter);
            }

            _perClient.TryGetValue(key, out var mine);
            if (mine >= options.MaxStreamsPerClient)
            {
                throw ApiError.RateLimited($"this client has {options.MaxStreamsPerClient} streams open, the limit per client address", RetryAfter);
            }

            _perClient[key] = mine + 1;
            _open++;
        }

        return new Lease(this, key);
    }

    private void Leave(string key)
    {
        lock (_gate)
        {
            _open--;
            if (_perClient[key] == 1)
            {
                _perClient.Remove(key);
            }
            else
            {
                _perClient[key]--;
            }
        }
    }

    private sealed class Lease(StreamGate gate, string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(key);
            }
        }
    }
}
