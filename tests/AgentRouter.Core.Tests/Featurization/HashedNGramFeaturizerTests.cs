using System.Text;
using AgentRouter.Core.Featurization;

namespace AgentRouter.Core.Tests.Featurization;

public class HashedNGramFeaturizerTests
{
    [Fact]
    public void Fnv1a_matches_the_published_test_vectors()
    {
        Assert.Equal(0x811C9DC5u, StableHash.Fnv1a(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0xE40C292Cu, StableHash.Fnv1a(Encoding.UTF8.GetBytes("a")));
        Assert.Equal(0xBF9CF968u, StableHash.Fnv1a(Encoding.UTF8.GetBytes("foobar")));
        Assert.Equal(StableHash.Fnv1a(Encoding.UTF8.GetBytes("naïve 🦊")), StableHash.Fnv1a("naïve 🦊".AsSpan()));
        var longText = new string('é', 300) + "🦊";
        Assert.Equal(StableHash.Fnv1a(Encoding.UTF8.GetBytes(longText)), StableHash.Fnv1a(longText.AsSpan()));
    }

    [Fact]
    public void Vectors_have_the_configured_dimension_unit_norm_and_a_bias()
    {
        var featurizer = new HashedNGramFeaturizer(32);
        var features = featurizer.Featurize("Solve the equation 3x + 5 = 20.");
        Assert.Equal(32, featurizer.Dimension);
        Assert.Equal(32, features.Length);
        Assert.Equal(1f, features[^1]);
        Assert.Equal(1.0, Math.Sqrt(features[..^1].Sum(v => (double)v * v)), 5);
        Assert.Equal(64, new HashedNGramFeaturizer().Featurize("x").Length);
    }

    [Fact]
    public void Featurization_is_deterministic_and_case_insensitive()
    {
        var featurizer = new HashedNGramFeaturizer();
        Assert.Equal(featurizer.Featurize("Write a Python function"), new HashedNGramFeaturizer().Featurize("write a python FUNCTION"));
    }

    [Fact]
    public void Text_without_words_gives_only_the_bias()
    {
        var features = new HashedNGramFeaturizer(8).Featurize("  ?! ");
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1f], features);
    }

    [Fact]
    public void Related_texts_are_closer_than_unrelated_ones()
    {
        var featurizer = new HashedNGramFeaturizer(256);
        var math1 = featurizer.Featurize("compute the integral of x squared");
        var math2 = featurizer.Featurize("compute the integral of x cubed");
        var story = featurizer.Featurize("tell me a bedtime story about dragons");
        Assert.True(Cosine(math1, math2) > Cosine(math1, story) + 0.3);
    }

    [Fact]
    public void Word_bigrams_make_word_order_matter()
    {
        var featurizer = new HashedNGramFeaturizer();
        Assert.NotEqual(featurizer.Featurize("dog bites man"), featurizer.Featurize("man bites dog"));
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length - 1; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
