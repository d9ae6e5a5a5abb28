using AgentRouter.Core.Featurization;
using AgentRouter.Embeddings;

namespace AgentRouter.Embeddings.Tests;

/// <summary>The real model on real sentences (the model loads in about a second; one instance for the class).</summary>
public sealed class MiniLmEmbedderTests(MiniLmEmbedderTests.Model model) : IClassFixture<MiniLmEmbedderTests.Model>
{
    public sealed class Model : IDisposable
    {
        public MiniLmEmbedder Embedder { get; } = new();

        public void Dispose() => Embedder.Dispose();
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));

    [Fact]
    public void Paraphrases_are_closer_than_unrelated_sentences()
    {
        var vectors = model.Embedder.Embed([
            "How do I reset my password?",
            "I forgot my password, how can I change it?",
            "The mitochondria is the powerhouse of the cell.",
            "Which organelle produces most of a cell's energy?",
            "What is 17 times 23?",
            "Compute the product of seventeen and twenty-three.",
        ]);
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3)); // unit vectors
        for (var pair = 0; pair < 3; pair++)
        {
            var similar = Cosine(vectors[2 * pair], vectors[(2 * pair) + 1]);
            for (var other = 0; other < 6; other++)
            {
                if (other / 2 != pair)
                {
                    Assert.True(similar > Cosine(vectors[2 * pair], vectors[other]) + 0.1,
                        $"pair {pair}: similar {similar:0.000} vs unrelated {other}: {Cosine(vectors[2 * pair], vectors[other]):0.000}");
                }
            }
        }
    }

    [Fact]
    public void Single_and_batched_embeddings_agree_and_are_deterministic()
    {
        var batch = model.Embedder.Embed(["A question about physics.", "Une question de chimie."]);
        var single = model.Embedder.Featurize("A question about physics.");
        Assert.True(Cosine(batch[0], single) > 0.9999);
        Assert.Equal(single, model.Embedder.Featurize("A question about physics."));
    }

    [Fact]
    public void The_cache_serves_a_second_run_from_its_file_and_misses_on_other_content()
    {
        var directory = Path.Combine(Path.GetTempPath(), "agentrouter-embcache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new EmbeddingCache(directory);
            string[] texts = ["first query", "second query"];
            var (first, fromCache) = cache.GetOrEmbed(model.Embedder, texts);
            Assert.False(fromCache);
            var (second, again) = cache.GetOrEmbed(model.Embedder, texts);
            Assert.True(again);
            Assert.Equal(first[1], second[1]);
            Assert.False(cache.GetOrEmbed(model.Embedder, ["first query", "second query!"]).FromCache);
            Assert.Contains("all-MiniLM-L6-v2", Path.GetFileName(cache.PathFor(model.Embedder, texts)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
