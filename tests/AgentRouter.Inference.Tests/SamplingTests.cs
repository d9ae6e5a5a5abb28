using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;

namespace AgentRouter.Inference.Tests;

public sealed class SamplingTests
{
    private static readonly float[] Logits = { 0.1f, 2.0f, -1.0f, 1.9f, 0.5f, 1.0f };

    [Fact]
    public void GreedyPicksTheArgMax() =>
        Assert.Equal(1, TokenSampler.Choose(Logits, new GenerationOptions { Greedy = true }, new Random(0)));

    [Fact]
    public void TopKKeepsOnlyTheKBestTokens()
    {
        var random = new Random(5);
        var options = new GenerationOptions { Temperature = 5.0, TopK = 2 };
        var drawn = Enumerable.Range(0, 400).Select(_ => TokenSampler.Choose(Logits, options, random)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 3 }, drawn);
    }

    [Fact]
    public void TopPKeepsTheSmallestNucleus()
    {
        var random = new Random(5);
        // At temperature 1 tokens 1 and 3 hold about 0.63 of the mass; p = 0.6 needs both, p = 0.3 only the best.
        var wide = Enumerable.Range(0, 400).Select(_ => TokenSampler.Choose(Logits, new GenerationOptions { TopP = 0.6 }, random)).ToHashSet();
        var narrow = Enumerable.Range(0, 100).Select(_ => TokenSampler.Choose(Logits, new GenerationOptions { TopP = 0.3 }, random)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 3 }, wide);
        Assert.Equal(new HashSet<int> { 1 }, narrow);
    }

    [Fact]
    public void HighTemperatureReachesEveryToken()
    {
        var random = new Random(1);
        var drawn = Enumerable.Range(0, 2000).Select(_ => TokenSampler.Choose(Logits, new GenerationOptions { Temperature = 10 }, random)).ToHashSet();
        Assert.Equal(Logits.Length, drawn.Count);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void TemperatureSamplingDrawsEachTokenWithItsSoftmaxProbability(double temperature)
    {
        var random = new Random(11);
        var options = new GenerationOptions { Temperature = temperature };
        const int draws = 60_000;
        var counts = new int[Logits.Length];
        for (var draw = 0; draw < draws; draw++)
        {
            counts[TokenSampler.Choose(Logits, options, random)]++;
        }
        var weights = Logits.Select(logit => Math.Exp(logit / temperature)).ToArray();
        for (var token = 0; token < Logits.Length; token++)
        {
            // The standard deviation of a frequency over 60,000 draws is at most 0.002.
            Assert.Equal(weights[token] / weights.Sum(), counts[token] / (double)draws, 0.01);
        }
    }

    [Theory]
    [InlineData(0, 0.1, false)]
    [InlineData(0, 0.5, false)]
    [InlineData(0, 0.9, false)]
    [InlineData(0, 0.99, true)]
    [InlineData(0, 0.9, true)]
    [InlineData(10, 1.0, false)]
    [InlineData(100, 0.7, true)]
    [InlineData(4999, 0.95, false)]
    public void FiltersKeepExactlyTheTokensAFullSortWouldKeep(int topK, double topP, bool peaked)
    {
        // Qwen-sized vocabularies made a full sort per token cost more than the decode step; the sampler now sorts only
        // what a filter needs. The reference here is the full sort by probability it replaced.
        var random = new Random(topK + (int)(topP * 100));
        var logits = Enumerable.Range(0, 5000)
            .Select(_ => (float)(peaked ? Math.Pow(random.NextDouble(), 8) * 30 : random.NextDouble() * 4))
            .ToArray();
        var options = new GenerationOptions { Temperature = 0.8, TopK = topK, TopP = topP };

        var ranked = Enumerable.Range(0, logits.Length).OrderByDescending(token => logits[token]).ToArray();
        var kept = topK > 0 ? ranked.Take(topK).ToArray() : ranked;
        var maximum = logits.Max();
        var weights = kept.Select(token => Math.Exp((logits[token] - maximum) / options.Temperature)).ToArray();
        var keep = kept.Length;
        if (topP < 1.0)
        {
            var cumulative = 0.0;
            for (var index = 0; index < kept.Length; index++)
            {
                cumulative += weights[index] / weights.Sum();
                if (cumulative >= topP)
                {
                    keep = index + 1;
                    break;
                }
            }
        }

        Assert.Equal(kept.Take(keep), TokenSampler.Candidates(logits, options));
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndSeedsDiffer()
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(ModelArchitecture.Mixtral), seed: 21, standardDeviation: TinyConfigs.WeightScale);
        var options = new GenerationOptions { MaxNewTokens = 12, Temperature = 1.5, TopK = 20, TopP = 0.95, Seed = 42, StopTokenIds = Array.Empty<int>() };
        var prompt = new[] { new[] { 4, 5, 6 } };

        var first = SequenceGenerator.Generate(model, prompt, options).Single().GeneratedIds;
        var again = SequenceGenerator.Generate(model, prompt, options).Single().GeneratedIds;
        var otherSeed = SequenceGenerator.Generate(model, prompt, options with { Seed = 43 }).Single().GeneratedIds;

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
    }
}
