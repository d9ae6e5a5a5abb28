using AgentRouter.Inference.Checkpoints;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>The engine against Hugging Face transformers' own outputs for the tiny Mixtral fixture.</summary>
public sealed class MixtralFixtureTests
{
    private const double LogitTolerance = 1e-4;

    [Theory]
    [InlineData("full_mixtral")]
    [InlineData("mixtral_classic")]
    public void FullForwardMatchesTransformersLogits(string checkpoint)
    {
        using var temporary = new TemporaryDirectory();
        using var model = ModelCheckpoint.Load(FixturePaths.AssembleCheckpoint(checkpoint, temporary));
        var reference = FixtureJson.Read("full_mixtral.json");
        var inputIds = reference.Longs("input_ids");

        using var inference = inference_mode();
        using var ids = tensor(inputIds, new long[] { 1, inputIds.Length });
        using var output = model.Forward(ids);

        var logits = output.Logits.reshape(-1).data<float>().ToArray();
        Assert.True(FixtureJson.MaxAbsDifference(logits, reference.Doubles("hf_logits")) < LogitTolerance);
    }
}
