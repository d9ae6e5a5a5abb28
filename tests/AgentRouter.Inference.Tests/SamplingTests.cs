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
