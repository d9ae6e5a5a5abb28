using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>Hub checkpoints of Qwen and OLMoE store experts one by one as gate_proj/up_proj/down_proj.</summary>
public sealed class PerExpertLayoutTests
{
    [Theory]
    [InlineData(ModelArchitecture.Qwen2Moe)]
    [InlineData(ModelArchitecture.Olmoe)]
    public void PerExpertTensorsLoadLikeTheFusedLayout(ModelArchitecture architecture)
    {
        var config = TinyConfigs.For(architecture);
        using var temporary = new TemporaryDirectory();
        using var original = MoeForCausalLm.CreateRandom(config, seed: 13, standardDeviation: TinyConfigs.WeightScale);
        ModelCheckpoint.Save(original, temporary.Path);
        var weights = temporary.Combine(CheckpointTensors.SingleFileName);
        var split = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (var file = SafetensorsFile.Open(weights))
        {
            foreach (var info in file.Tensors)
            {
                var tensor = file.ReadTensor(info.Name);
                if (info.Name.EndsWith(".mlp.experts.gate_up_proj", StringComparison.Ordinal))
                {
                    var prefix = info.Name[..^"gate_up_proj".Length];
                    for (var expert = 0; expert < config.NumExperts; expert++)
                    {
                        split[$"{prefix}{expert}.gate_proj.weight"] = tensor[expert].narrow(0, 0, config.ExpertIntermediateSize).clone();
                        split[$"{prefix}{expert}.up_proj.weight"] = tensor[expert].narrow(0, config.ExpertIntermediateSize, config.ExpertIntermediateSize).clone();
                    }
                }
                else if (info.Name.EndsWith(".mlp.experts.down_proj", StringComparison.Ordinal))
                {
                    var prefix = info.Name[..^"down_proj".Length];
                    for (var expert = 0; expert < config.NumExperts; expert++)
                    {
                        split[$"{prefix}{expert}.down_proj.weight"] = tensor[expert].clone();
                    }
                }
                else
                {
                    split[info.Name] = tensor;
                }
            }
        }
        SafetensorsWriter.Write(weights, split);
        Assert.DoesNotContain(split.Keys, name => name.EndsWith("gate_up_proj", StringComparison.Ordinal));
        var ids = new[] { 4, 8, 15, 16, 23, 42 };

        using var loaded = ModelCheckpoint.Load(temporary.Path);

        Assert.Equal(LogitsCalculator.Compute(original, ids, allPositions: true).SelectMany(row => row),
            LogitsCalculator.Compute(loaded, ids, allPositions: true).SelectMany(row => row));
    }
}
