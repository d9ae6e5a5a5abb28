using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Adapters;

public sealed class LoraInferenceTests
{
    public static TheoryData<ModelArchitecture> Architectures => new() { ModelArchitecture.Mixtral, ModelArchitecture.Qwen2Moe, ModelArchitecture.Qwen3Moe, ModelArchitecture.Olmoe };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void AdapterWithZeroBGivesExactlyTheBaseLogits(ModelArchitecture architecture)
    {
        var config = TinyConfigs.For(architecture);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: TinyConfigs.WeightScale);
        using var adapter = LoraAdapter.CreateForTraining("zero-b", config, TestAdapters.Config(), seed: 6, CPU);
        using var ids = TestAdapters.Ids(config, 9, seed: 7);
        using var noGrad = no_grad();

        using var baseOutput = model.Forward(ids);
        using var adapted = model.Forward(ids, adapter: adapter);

        Assert.True(adapted.Logits.eq(baseOutput.Logits).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void AdapterEqualsTheBaseWithTheUpdateMergedIntoItsWeights(ModelArchitecture architecture)
    {
        var config = TinyConfigs.For(architecture);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: TinyConfigs.WeightScale);
        using var merged = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: TinyConfigs.WeightScale);
        using var adapter = TestAdapters.Random(config, TestAdapters.Config(layers: [0, 2]), seed: 11);
        TestAdapters.MergeInto(merged, adapter);
        using var ids = TestAdapters.Ids(config, 9, seed: 7);
        using var noGrad = no_grad();

        using var baseOutput = model.Forward(ids);
        using var adapted = model.Forward(ids, adapter: adapter);
        using var reference = merged.Forward(ids);

        Assert.True(adapted.Logits.sub(reference.Logits).abs().max().item<float>() <= 1e-5f);
        Assert.True(adapted.Logits.sub(baseOutput.Logits).abs().max().item<float>() > 1e-2f, "the adapter must change the logits");
    }

    [Fact]
    public void OneBaseServesSeveralAdaptersPerCall()
    {
        var config = TinyConfigs.For(ModelArchitecture.Mixtral);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: TinyConfigs.WeightScale);
        using var first = TestAdapters.Random(config, TestAdapters.Config([LoraTargetModule.QueryProjection, LoraTargetModule.ValueProjection]), seed: 1);
        using var second = TestAdapters.Random(config, TestAdapters.Config([LoraTargetModule.OutputProjection], rank: 2), seed: 2);
        using var ids = TestAdapters.Ids(config, 6, seed: 3);
        using var noGrad = no_grad();

        using var firstBefore = model.Forward(ids, adapter: first);
        using var secondOutput = model.Forward(ids, adapter: second);
        using var baseOutput = model.Forward(ids);
        using var firstAfter = model.Forward(ids, adapter: first);

        Assert.True(firstAfter.Logits.eq(firstBefore.Logits).all().item<bool>(), "another adapter's call must not leave state behind");
        Assert.False(secondOutput.Logits.allclose(firstBefore.Logits, rtol: 0, atol: 1e-3));
        Assert.False(baseOutput.Logits.allclose(secondOutput.Logits, rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void GenerationWithAdapterMatchesWithAndWithoutKvCache()
    {
        var config = TinyConfigs.For(ModelArchitecture.Qwen2Moe);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 8, standardDeviation: TinyConfigs.WeightScale);
        using var adapter = TestAdapters.Random(config, TestAdapters.Config(), seed: 4);
        var prompts = new[] { new[] { 1, 2, 3, 4 }, new[] { 5, 6 } };
        var options = GenerationOptions.GreedyDecoding(6) with { StopTokenIds = Array.Empty<int>(), RecordStepLogits = true };

        var cached = SequenceGenerator.Generate(model, prompts, options, adapter: adapter);
        var recomputed = SequenceGenerator.Generate(model, prompts, options with { UseKvCache = false }, adapter: adapter);
        var plain = SequenceGenerator.Generate(model, prompts, options);

        for (var sequence = 0; sequence < prompts.Length; sequence++)
        {
            Assert.Equal(recomputed[sequence].GeneratedIds, cached[sequence].GeneratedIds);
            var difference = cached[sequence].StepLogits.Zip(recomputed[sequence].StepLogits)
                .Max(pair => pair.First.Zip(pair.Second).Max(values => Math.Abs(values.First - values.Second)));
            Assert.True(difference <= 1e-4, $"cached vs recomputed logits differ by {difference}");
        }
        Assert.NotEqual(plain[0].StepLogits[0], cached[0].StepLogits[0]);
    }

    [Fact]
    public void SplitProjectionRebuildsTheAdaptedOutput()
    {
        var config = TinyConfigs.For(ModelArchitecture.Mixtral);
        using var adapter = TestAdapters.Random(config, TestAdapters.Config(), seed: 12);
        using var projection = TorchSharp.torch.nn.Linear(config.HiddenSize, (long)config.NumKeyValueHeads * config.HeadDim);
        using var input = randn(3, 5, config.HiddenSize);
        var key = adapter.Layer(1)!.Key!;
        using var noGrad = no_grad();

        using var whole = LoraProjection.Apply(projection, input, key);
        var (baseOutput, lowRank) = LoraProjection.Split(projection, input, key);
        using (baseOutput)
        using (lowRank)
        using (var expanded = key.Expand(lowRank))
        using (var rebuilt = baseOutput + expanded)
        {
            Assert.Equal(new long[] { 3, 5, 4 }, lowRank.shape);
            Assert.True(rebuilt.sub(whole).abs().max().item<float>() <= 1e-6f);
        }
    }

    [Fact]
    public void SavedAdapterLoadsBackWithIdenticalTensorsAndLogits()
    {
        var config = TinyConfigs.For(ModelArchitecture.Qwen3Moe);
        using var directory = new TemporaryDirectory();
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: TinyConfigs.WeightScale);
        using var adapter = TestAdapters.Random(config, TestAdapters.Config([LoraTargetModule.KeyProjection, LoraTargetModule.OutputProjection], rank: 3, alpha: 5, layers: [1]), seed: 9);
        var adapterDirectory = directory.Combine("adapter");
        adapter.Save(adapterDirectory);

        using var loaded = LoraAdapterLoader.Load(adapterDirectory, new LoraBaseModel(config, null, null));
        using var ids = TestAdapters.Ids(config, 7, seed: 2);
        using var noGrad = no_grad();
        using var before = model.Forward(ids, adapter: adapter);
        using var after = model.Forward(ids, adapter: loaded);

        Assert.Equal((3, 5.0, 5.0 / 3), (loaded.Config.Rank, loaded.Config.Alpha, loaded.Config.Scale));
        Assert.Equal(adapter.Config.TargetModules, loaded.Config.TargetModules);
        Assert.Equal([1], loaded.Config.LayersToTransform!);
        Assert.Equal(adapter.NamedTensors().Select(pair => pair.Key), loaded.NamedTensors().Select(pair => pair.Key));
        Assert.Contains("base_model.model.model.layers.1.self_attn.k_proj.lora_A.weight", loaded.NamedTensors().Select(pair => pair.Key));
        Assert.Null(loaded.Layer(0));
        Assert.True(after.Logits.eq(before.Logits).all().item<bool>());
    }

    [Fact]
    public async Task HostLoadsAnAdapterOnceOverItsCheckpointAndAnswersThroughIt()
    {
        var config = TinyConfigs.For(ModelArchitecture.Mixtral);
        using var directory = new TemporaryDirectory();
        var baseDirectory = directory.Combine("base");
        using (var model = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: TinyConfigs.WeightScale))
        {
            ModelCheckpoint.Save(model, baseDirectory);
        }
        var fingerprint = BaseModelFingerprint.Compute(baseDirectory);
        using (var adapter = TestAdapters.Random(config, TestAdapters.Config(fingerprint: fingerprint), seed: 3))
        {
            adapter.Save(directory.Combine("adapter"));
        }

        using var host = await ModelHost.LoadAsync(baseDirectory, CPU);
        var loaded = await host.LoadAdapterAsync(directory.Combine("adapter"));
        var again = await host.LoadAdapterAsync(directory.Combine("adapter") + "/");
        var adapted = await host.LogitsAsync([1, 2, 3], allPositions: false, loaded);
        var plain = await host.LogitsAsync([1, 2, 3], allPositions: false);

        Assert.Same(loaded, again);
        Assert.Equal("adapter", loaded.Name);
        Assert.NotEqual(plain[0], adapted[0]);
    }
}
