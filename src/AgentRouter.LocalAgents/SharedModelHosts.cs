using System.Collections.Concurrent;
using AgentRouter.Inference.Hosting;

namespace AgentRouter.LocalAgents;

/// <summary>Loads each checkpoint folder once and shares its <see cref="ModelHost"/> (one torch thread) among all
/// agents on the same weights. Disposing disposes every host.</summary>
public sealed class SharedModelHosts : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ModelHost>> _hosts = new(StringComparer.Ordinal);

    public int LoadedCount => _hosts.Values.Count(host => host.IsValueCreated);

    /// <summary>The host of <paramref name="modelDirectory"/>, loading it on first use. A failed load is not cached,
    /// so the error surfaces to every agent that asks.</summary>
    public ModelHost Get(string modelDirectory)
    {
        var key = Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory));
        var lazy = _hosts.GetOrAdd(key, path => new Lazy<ModelHost>(() => ModelHost.LoadAsync(path).GetAwaiter().GetResult()));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _hosts.TryRemove(new KeyValuePair<string, Lazy<ModelHost>>(key, lazy));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var host in _hosts.Values.Where(host => host.IsValueCreated))
        {
            host.Value.Dispose();
        }
        _hosts.Clear();
    }
}
