using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>
/// Self-consistency of every architecture on random weights (the fixtures only hold full Mixtral
/// checkpoints): cached decode = recomputation, batching with padding = one prompt at a time,
/// config and weights survive a save/load round trip.
/// </summary>
public sealed class ArchitectureConsistencyTests
{
    public static TheoryData<ModelArchitecture> Architectures => new(Enum.GetValues<ModelArchitecture>());

    [Theory]
    [MemberData(nameof(Architectures))]
    public void CachedDecodeEqualsFullRecomputation(ModelArchitecture architecture)
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(architecture), seed: 7, standardDeviation: TinyConfigs.WeightScale);
        var prompt = new[] { 3, 14, 15, 9, 26 };
        var options = new GenerationOptions { MaxNewTokens = 6, Greedy = true, RecordStepLogits = true, StopTokenIds = Array.Empty<int>() };

        var cached = SequenceGenerator.Generate(model, new[] { prompt }, options).Single();
        var recomputed = SequenceGenerator.Generate(model, new[] { prompt }, options with { UseKvCache = false }).Single();

        Assert.Equal(recomputed.GeneratedIds, cached.GeneratedIds);
        Assert.True(FixtureJson.MaxAbsDifference(cached.StepLogits.SelectMany(row => row).ToArray(),
            recomputed.StepLogits.SelectMany(row => row).Select(value => (double)value).ToArray()) < 1e-4);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void BatchOfDifferentLengthsMatchesSinglePrompts(ModelArchitecture architecture)
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(architecture), seed: 11, standardDeviation: TinyConfigs.WeightScale);
        var prompts = new[] { new[] { 5, 8, 13, 21, 34, 55 }, new[] { 2 }, new[] { 40, 41, 42 } };
        var options = new GenerationOptions { MaxNewTokens = 4, Greedy = true, RecordStepLogits = true, StopTokenIds = Array.Empty<int>() };

        var batched = SequenceGenerator.Generate(model, prompts, options);

        for (var index = 0; index < prompts.Length; index++)
        {
            var single = SequenceGenerator.Generate(model, new[] { prompts[index] }, options).Single();
            Assert.Equal(single.GeneratedIds, batched[index].GeneratedIds);
            Assert.True(FixtureJson.MaxAbsDifference(batched[index].StepLogits.SelectMany(row => row).ToArray(),
                single.StepLogits.SelectMany(row => row).Select(value => (double)value).ToArray()) < 1e-4);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void SaveThenLoadGivesTheSameConfigAndLogits(ModelArchitecture architecture)
    {
        var config = TinyConfigs.For(architecture);
        using var temporary = new TemporaryDirectory();
        using var original = MoeForCausalLm.CreateRandom(config, seed: 3, standardDeviation: TinyConfigs.WeightScale);
        ModelCheckpoint.Save(original, temporary.Path);

        using var loaded = ModelCheckpoint.Load(temporary.Path);

        Assert.Equal(config.ToJson(), loaded.Config.ToJson());
        var ids = new[] { 1, 2, 3, 50, 7 };
        var expected = LogitsCalculator.Compute(original, ids, allPositions: true).SelectMany(row => row).ToArray();
        var actual = LogitsCalculator.Compute(loaded, ids, allPositions: true).SelectMany(row => row).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SingleExpertMixtralEqualsDenseLlamaWithTheSameWeights()
    {
        var mixtralConfig = TinyConfigs.For(ModelArchitecture.Mixtral) with { NumExperts = 1, ExpertsPerToken = 1 };
        var llamaConfig = TinyConfigs.For(ModelArchitecture.Llama) with
        {
            TieWordEmbeddings = false,
            DenseIntermediateSize = mixtralConfig.ExpertIntermediateSize,
        };
        using var mixtral = MoeForCausalLm.CreateRandom(mixtralConfig, seed: 5, standardDeviation: TinyConfigs.WeightScale);
        using var llama = new MoeForCausalLm(llamaConfig);
        var source = mixtral.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter);
        var width = mixtralConfig.ExpertIntermediateSize;
        using (no_grad())
        {
            foreach (var (name, parameter) in llama.named_parameters())
            {
                var prefix = name.Contains(".mlp.", StringComparison.Ordinal) ? name[..name.IndexOf(".mlp.", StringComparison.Ordinal)] : null;
                var value = name switch
                {
                    _ when name.EndsWith(".mlp.gate_proj.weight", StringComparison.Ordinal) => source[prefix + ".mlp.experts.gate_up_proj"][0].narrow(0, 0, width),
                    _ when name.EndsWith(".mlp.up_proj.weight", StringComparison.Ordinal) => source[prefix + ".mlp.experts.gate_up_proj"][0].narrow(0, width, width),
                    _ when name.EndsWith(".mlp.down_proj.weight", StringComparison.Ordinal) => source[prefix + ".mlp.experts.down_proj"][0],
                    _ => source[name],
                };
                parameter.copy_(value);
            }
        }
        var ids = new[] { 9, 8, 7, 6, 5, 4 };

        var expected = LogitsCalculator.Compute(mixtral, ids, allPositions: true).SelectMany(row => row).ToArray();
        var actual = LogitsCalculator.Compute(llama, ids, allPositions: true).SelectMany(row => row).ToArray();

        Assert.True(FixtureJson.MaxAbsDifference(actual, expected.Select(value => (double)value).ToArray()) < 1e-5);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ParameterCountFromConfigEqualsTheModulesParameters(ModelArchitecture architecture)
    {
        var config = TinyConfigs.For(architecture);
        using var model = new MoeForCausalLm(config);

        var counts = ParameterCounts.Of(config);

        Assert.Equal(model.parameters().Sum(parameter => parameter.numel()), counts.Total);
        Assert.True(counts.ActivePerToken < counts.Total || config.NumExperts == 0);
    }
}
