using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Generation;

namespace AgentRouter.Inference.Tests;

/// <summary>Greedy decoding of the Mixtral fixture against transformers' float64 reference.</summary>
public sealed class GenerationFixtureTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GreedyDecodingReproducesTransformers(bool useKvCache)
    {
        using var temporary = new TemporaryDirectory();
        using var model = ModelCheckpoint.Load(FixturePaths.AssembleCheckpoint("full_mixtral", temporary));
        var reference = FixtureJson.Read("full_mixtral_gen.json");
        var prompt = reference.Longs("prompt_ids").Select(id => (int)id).ToArray();
        var expected = reference.Longs("generated_ids").Select(id => (int)id).ToArray();
        var options = GenerationOptions.GreedyDecoding(expected.Length) with
        {
            UseKvCache = useKvCache,
            RecordStepLogits = true,
            StopTokenIds = Array.Empty<int>(),
        };

        var result = SequenceGenerator.Generate(model, new[] { prompt }, options).Single();

        Assert.Equal(expected, result.GeneratedIds);
        Assert.Equal(StopReason.MaxNewTokens, result.StopReason);
        var stepLogits = result.StepLogits.SelectMany(row => row).ToArray();
        Assert.True(FixtureJson.MaxAbsDifference(stepLogits, reference.Doubles("step_logits")) < 1e-4);
    }

    [Fact]
    public void EosFromConfigStopsGenerationAndStreamsEveryToken()
    {
        using var temporary = new TemporaryDirectory();
        using var model = ModelCheckpoint.Load(FixturePaths.AssembleCheckpoint("full_mixtral", temporary));
        var streamed = new List<GeneratedToken>();

        var result = SequenceGenerator.Generate(model, new[] { new[] { 22, 25, 29 } }, GenerationOptions.GreedyDecoding(10), streamed.Add).Single();

        // The fixture's eos_token_id is 20, which greedy decoding emits second.
        Assert.Equal(new[] { 17, 20 }, result.GeneratedIds);
        Assert.Equal(StopReason.StopToken, result.StopReason);
        Assert.Equal(result.GeneratedIds, streamed.Select(token => token.TokenId));
        Assert.Equal(new[] { 0, 1 }, streamed.Select(token => token.Step));
    }
}
