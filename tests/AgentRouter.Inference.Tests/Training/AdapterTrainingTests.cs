using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Safetensors;
using AgentRouter.Inference.Training;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Training;

public sealed class AdapterTrainingTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public AdapterTrainingTests()
    {
        var config = MoeModelConfig.Parse(TinyTrainingConfigs.Mixtral, "tiny.json");
        using var model = MoeForCausalLm.CreateRandom(config, seed: 3, standardDeviation: 0.3);
        ModelCheckpoint.Save(model, BaseDirectory);
    }

    private string BaseDirectory => _directory.Combine("base");

    private string AdapterDirectory => _directory.Combine("adapter");

    [Fact]
    public void ATinyAdapterRunLowersTheLossLeavesTheBaseBitIdenticalAndSavesPeftFiles()
    {
        var config = Config("""{"base": "base", "r": 4, "alpha": 8}""");
        using var baseModel = ModelCheckpoint.Load(BaseDirectory);
        var before = baseModel.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.detach().clone());
        var fingerprint = BaseModelFingerprint.Compute(BaseDirectory);

        var result = new MoeTrainer(config).Run(
            SuiteTrainingSet.TrainItems(config.Data), SuiteTrainingSet.EvalItems(config.Data), null, CancellationToken.None, baseModel);

        var first = result.Losses.Take(5).Average();
        var last = result.Losses.TakeLast(5).Average();
        Assert.True(last < first - 1.0, $"loss went from {first:F3} to {last:F3}");
        foreach (var (name, parameter) in baseModel.named_parameters())
        {
            Assert.Null(parameter.grad);
            Assert.True(parameter.eq(before[name]).all().item<bool>(), $"base parameter {name} changed");
        }
        Assert.Equal(fingerprint, BaseModelFingerprint.Compute(BaseDirectory));
        Assert.Equal(
            new[] { LoraAdapterConfig.FileName, LoraAdapter.WeightsFileName, TrainingOutput.TrainingConfigFileName },
            Directory.GetFiles(AdapterDirectory).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal));
        using (var weights = SafetensorsFile.Open(Path.Combine(AdapterDirectory, LoraAdapter.WeightsFileName)))
        {
            Assert.Equal(8, weights.Tensors.Count);
            Assert.All(weights.Tensors, info => Assert.Matches(@"^base_model\.model\.model\.layers\.0\.self_attn\.[qkvo]_proj\.lora_[AB]\.weight$", info.Name));
        }

        var saved = LoraAdapterConfig.Load(Path.Combine(AdapterDirectory, LoraAdapterConfig.FileName));
        Assert.Equal(("../base", fingerprint, 4, 2.0), (saved.BaseModelNameOrPath, saved.BaseModelFingerprint, saved.Rank, saved.Scale));
        using var loaded = LoraAdapterLoader.Load(AdapterDirectory, LoraBaseModel.FromDirectory(BaseDirectory, baseModel.Config));
        var report = AnswerEvaluator.Evaluate(baseModel, SuiteTrainingSet.EvalItems(config.Data), 64, loaded);
        Assert.Equal(result.FinalEvaluation.Domains, report.Domains);
    }

    [Fact]
    public void AnAdapterRunOnlyTouchesTheLayersAndModulesItNames()
    {
        var config = Config("""{"base": "base", "r": 2, "target_modules": ["v_proj"], "layers_to_transform": [0]}""", steps: 3);

        new MoeTrainer(config).Run();

        using var weights = SafetensorsFile.Open(Path.Combine(AdapterDirectory, LoraAdapter.WeightsFileName));
        Assert.Equal(
            ["base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight", "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"],
            weights.Tensors.Select(info => info.Name).Order(StringComparer.Ordinal));
        Assert.Equal([2L, 32L], weights.Info("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight").Shape);
    }

    [Theory]
    [InlineData("""{"base": "nowhere"}""", "adapter.base", "no base checkpoint")]
    [InlineData("""{"base": "base", "target_modules": ["lm_head"]}""", "adapter.target_modules", "unsupported target module")]
    [InlineData("""{"base": "base", "r": 0}""", "adapter.r", "")]
    [InlineData("""{"base": "base", "layers_to_transform": [1]}""", "adapter.layers_to_transform", "0..0")]
    [InlineData("""{"base": "base", "rank": 4}""", "adapter.rank", "unknown field")]
    public void BadAdapterSections(string section, string field, string problem)
    {
        var error = Assert.Throws<TrainingConfigException>(() => Config(section));
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelSectionBesideAnAdapterIsRejected()
    {
        var error = Assert.Throws<TrainingConfigException>(() => Config("""{"base": "base"}""", model: TinyTrainingConfigs.Mixtral));
        Assert.Equal("model", error.Field);
    }

    private TrainingConfig Config(string adapterSection, int steps = 30, string? model = null) =>
        TrainingConfigReader.Parse(
            $$"""
            {
              "name": "tiny-adapter",
              "seed": 5,
              {{(model is null ? "" : $"\"model\": {model},")}}
              "adapter": {{adapterSection}},
              "data": {"train_items": 400, "eval_items": 60, "difficulties": [1]},
              "optimizer": {"learning_rate": 0.05},
              "steps": {{steps}},
              "warmup_steps": 3,
              "batch_size": 16,
              "output": "adapter"
            }
            """,
            _directory.Combine("training.json"));

    public void Dispose() => _directory.Dispose();
}
