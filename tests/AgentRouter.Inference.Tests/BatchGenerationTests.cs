using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

public sealed class BatchGenerationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SequenceThatStopsEarlyDoesNotDisturbTheOthers(bool useKvCache)
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(ModelArchitecture.Mixtral), seed: 17, standardDeviation: TinyConfigs.WeightScale);
        var early = new[] { 9, 10, 11, 12 };
        var late = new[] { 30, 31 };
        var greedy = new GenerationOptions { Greedy = true, MaxNewTokens = 6, UseKvCache = useKvCache, StopTokenIds = Array.Empty<int>() };
        var stop = SequenceGenerator.Generate(model, new[] { early }, greedy).Single().GeneratedIds[0];
        var options = greedy with { StopTokenIds = new[] { stop } };
        var lateAlone = SequenceGenerator.Generate(model, new[] { late }, options).Single();
        Assert.True(lateAlone.GeneratedIds.Count > 1, "pick another seed: the late prompt stops at once too");

        var batch = SequenceGenerator.Generate(model, new[] { early, late }, options);

        Assert.Equal(new[] { stop }, batch[0].GeneratedIds);
        Assert.Equal(StopReason.StopToken, batch[0].StopReason);
        Assert.Equal(lateAlone.GeneratedIds, batch[1].GeneratedIds);
        Assert.Equal(lateAlone.StopReason, batch[1].StopReason);
    }

    [Fact]
    public void BFloat16LoadingRunsTheSamePathCloseToFloat32()
    {
        using var temporary = new TemporaryDirectory();
        var directory = FixturePaths.AssembleCheckpoint("full_mixtral", temporary);
        using var full = ModelCheckpoint.Load(directory);
        using var reduced = ModelCheckpoint.Load(directory, dtype: ScalarType.BFloat16);
        var ids = new[] { 22, 25, 29, 38, 36 };

        var expected = LogitsCalculator.Compute(full, ids, allPositions: true).SelectMany(row => row).Select(value => (double)value).ToArray();
        var actual = LogitsCalculator.Compute(reduced, ids, allPositions: true).SelectMany(row => row).ToArray();

        Assert.Equal(ScalarType.BFloat16, reduced.DType);
        Assert.True(FixtureJson.MaxAbsDifference(actual, expected) < 0.05);
    }
}
