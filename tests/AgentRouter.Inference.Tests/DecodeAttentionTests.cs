using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>The managed one-token attention step (<see cref="DecodeAttention"/>) against the written-out libtorch one on
/// the same weights and cached positions. An all-zero additive mask sends a step down the libtorch path with the same
/// meaning, so both run side by side without touching the process-wide kernel switch.</summary>
public sealed class DecodeAttentionTests
{
    [Theory]
    [InlineData(ModelArchitecture.Qwen3Moe, 4, 2, 5)]
    [InlineData(ModelArchitecture.Mixtral, 4, 4, 1)]
    [InlineData(ModelArchitecture.Olmoe, 6, 2, 9)]
    public void ManagedDecodeStepMatchesTheLibtorchStep(ModelArchitecture architecture, int heads, int keyValueHeads, int promptLength)
    {
        var config = new MoeModelConfig
        {
            Architecture = architecture, VocabSize = 32, HiddenSize = 48, NumLayers = 1, NumHeads = heads, NumKeyValueHeads = keyValueHeads,
            HeadDim = 16, MaxPositionEmbeddings = 64, NumExperts = 2, ExpertsPerToken = 1, ExpertIntermediateSize = 32,
        };
        manual_seed(11);
        using var attention = new Attention(config);
        foreach (var (_, parameter) in attention.named_parameters())
        {
            using var noGrad = no_grad();
            parameter.copy_(randn_like(parameter) * 0.3);
        }
        using var inference = inference_mode();
        using var managedCache = new KvCache(config, 1, 32, ScalarType.Float32, CPU);
        using var libtorchCache = new KvCache(config, 1, 32, ScalarType.Float32, CPU);
        using var rotary = new RotaryTable(config.HeadDim, config.RopeTheta);
        using var prompt = randn(1, promptLength, config.HiddenSize);
        using var promptPositions = arange(0, promptLength, 1, ScalarType.Int64).unsqueeze(0);
        var (promptCos, promptSin) = rotary.Gather(promptPositions, ScalarType.Float32);
        foreach (var cache in new[] { managedCache, libtorchCache })
        {
            using var causal = promptLength == 1 ? null : CausalMask(promptLength);
            attention.Forward(prompt, promptCos, promptSin, causal, cache, 0).Dispose();
            cache.Advance(promptLength);
        }
        for (var step = 0; step < 3; step++)
        {
            using var token = randn(1, 1, config.HiddenSize);
            using var position = full(new long[] { 1, 1 }, (long)(promptLength + step), ScalarType.Int64);
            var (cos, sin) = rotary.Gather(position, ScalarType.Float32);
            Assert.True(DecodeAttention.Applies(token, cos, null, managedCache));
            using var managed = attention.Forward(token, cos, sin, null, managedCache, 0);
            using var allVisible = zeros(1, 1, 1, promptLength + step + 1);
            using var reference = attention.Forward(token, cos, sin, allVisible, libtorchCache, 0);
            managedCache.Advance(1);
            libtorchCache.Advance(1);
            Assert.Equal(reference.shape, managed.shape);
            var difference = (managed - reference).abs().max().item<float>();
            Assert.True(difference < 1e-5, $"step {step}: managed attention differs by {difference:G3}");
        }
    }

    private static Tensor CausalMask(int length) =>
        triu(full(new long[] { length, length }, float.NegativeInfinity), 1).reshape(1, 1, length, length);
}
