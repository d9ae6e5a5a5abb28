using AgentRouter.Core.Featurization;

namespace AgentRouter.Core.Tests.Featurization;

public sealed class EmbeddingCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentrouter-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class CountingEmbedder(string modelId = "fake-v1") : ITextEmbedder
    {
        public int Calls { get; private set; }

        public string ModelId => modelId;

        public int Dimension => 3;

        public float[][] Embed(IReadOnlyList<string> texts)
        {
            Calls++;
            return texts.Select(text => new float[] { text.Length, 1, modelId.Length }).ToArray();
        }
    }

    [Fact]
    public void A_second_run_reads_the_file_and_another_model_or_content_misses()
    {
        var cache = new EmbeddingCache(_directory);
        var embedder = new CountingEmbedder();
        string[] texts = ["a", "bb", "ccc"];
        var (vectors, fromCache) = cache.GetOrEmbed(embedder, texts);
        Assert.False(fromCache);
        Assert.Equal(1, embedder.Calls);
        var again = cache.GetOrEmbed(embedder, texts);
        Assert.True(again.FromCache);
        Assert.Equal(1, embedder.Calls);
        Assert.Equal(vectors[2], again.Vectors[2]);

        Assert.False(cache.GetOrEmbed(new CountingEmbedder("fake-v2"), texts).FromCache); // model is part of the key
        Assert.False(cache.GetOrEmbed(embedder, ["a", "b", "bccc"]).FromCache); // so is the content, with boundaries
    }

    [Fact]
    public void A_damaged_file_is_rebuilt_not_trusted()
    {
        var cache = new EmbeddingCache(_directory);
        var embedder = new CountingEmbedder();
        string[] texts = ["x", "y"];
        cache.GetOrEmbed(embedder, texts);
        File.WriteAllBytes(cache.PathFor(embedder, texts), [1, 2, 3]);
        var messages = new List<string>();
        var (vectors, fromCache) = cache.GetOrEmbed(embedder, texts, messages.Add);
        Assert.False(fromCache);
        Assert.Equal(2, embedder.Calls);
        Assert.Equal(2, vectors.Length);
        Assert.Contains(messages, m => m.Contains("damaged", StringComparison.Ordinal));
    }
}
