using AgentRouter.Core.Suite;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Training;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Training;

public sealed class SaveLoadRoundTripTests
{
    [Fact]
    public void SavedThenLoadedModelGivesIdenticalLogits()
    {
        using var output = new TemporaryDirectory();
        var config = TinyTrainingConfigs.Create(output.Path);
        using var model = MoeForCausalLm.CreateRandom(config.Model, 11);
        model.eval();
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(8, Seed: 2));

        TrainingOutput.Save(model, config);
        using var loaded = ModelCheckpoint.Load(output.Path);

        using var noGrad = no_grad();
        using var batch = SuiteBatch.Create(items, includeAnswer: true, CPU);
        using var expected = model.forward(batch.InputIds);
        using var actual = loaded.forward(batch.InputIds);
        Assert.True(expected.equal(actual).all().item<bool>(), $"max difference {(expected - actual).abs().max().item<float>()}");
        Assert.Equal(config.SourceJson, File.ReadAllText(output.Combine(TrainingOutput.TrainingConfigFileName)));
    }
}
