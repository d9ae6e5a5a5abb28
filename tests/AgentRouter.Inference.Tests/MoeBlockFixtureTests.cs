using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>Layer-0 sparse-MoE blocks cut from transformers' tiny Mixtral / Qwen2-MoE / Qwen3-MoE models.</summary>
public sealed class MoeBlockFixtureTests
{
    [Theory]
    [InlineData("mixtral_layer0", true)]
    [InlineData("qwen2_moe_layer0", false)]
    [InlineData("qwen3_moe_layer0", true)]
    public void LayerZeroBlockMatchesTransformers(string fixture, bool renormalise)
    {
        var reference = FixtureJson.Read(fixture + ".json");
        var hidden = reference.GetProperty("d_model").GetInt32();
        var sharedWidth = reference.GetProperty("has_shared").GetBoolean() ? reference.GetProperty("d_ff").GetInt32() : 0;
        using var block = new SparseMoeBlock(hidden, reference.GetProperty("num_experts").GetInt32(),
            reference.GetProperty("experts_per_token").GetInt32(), reference.GetProperty("d_ff").GetInt32(), renormalise, sharedWidth);

        using var temporary = new TemporaryDirectory();
        File.Copy(FixturePaths.File(fixture + ".safetensors"), temporary.Combine(CheckpointTensors.SingleFileName));
        using (var tensors = CheckpointTensors.Open(temporary.Path))
        {
            var consumed = ParameterLoader.Load(block, reference.GetProperty("tensor_prefix").GetString() + ".", tensors);
            Assert.Equal(tensors.Names.Count, consumed.Count);
        }

        using var inference = inference_mode();
        using var input = tensor(reference.Doubles("input").Select(value => (float)value).ToArray(), new long[] { 1, hidden });
        var (output, routerLogits) = block.Forward(input);
        using (output)
        using (routerLogits)
        {
            var actual = output.reshape(-1).data<float>().ToArray();
            Assert.True(FixtureJson.MaxAbsDifference(actual, reference.Doubles("hf_ref")) < 1e-5);
        }
    }
}
