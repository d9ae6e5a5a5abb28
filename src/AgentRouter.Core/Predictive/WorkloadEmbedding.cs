using AgentRouter.Core.Featurization;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Predictive;

/// <summary>Embeds every query of a workload once (through the cache), by its <see cref="RoutingText"/>.</summary>
public static class WorkloadEmbedding
{
    /// <returns>The vectors in workload order, and whether they came from the cache.</returns>
    public static (float[][] Vectors, bool FromCache) Embed(ReplayWorkload workload, ITextEmbedder embedder, EmbeddingCache cache, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var texts = workload.Items.Select(item => RoutingText.Of(item.Query.Text)).ToArray();
        return cache.GetOrEmbed(embedder, texts, progress);
    }

    /// <summary>Query text → embedding, for <see cref="EmbeddedQueryPolicy"/>.</summary>
    public static Dictionary<string, float[]> ByText(params (ReplayWorkload Workload, float[][] Vectors)[] sets)
    {
        var map = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (workload, vectors) in sets)
        {
            for (var i = 0; i < workload.Items.Count; i++)
            {
                map[workload.Items[i].Query.Text] = vectors[i];
            }
        }

        return map;
    }
}
