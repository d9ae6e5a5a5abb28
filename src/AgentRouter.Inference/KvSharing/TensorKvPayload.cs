using AgentRouter.Inference.Configuration;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>The K/V of one block for every layer: [layers, 2 (key, value), kvHeads, tokensPerBlock, headDim].</summary>
public sealed class TensorKvPayload : IDisposable
{
    public TensorKvPayload(MoeModelConfig config, int tokensPerBlock, ScalarType dtype, Device device)
    {
        Tensor = zeros(new long[] { config.NumLayers, 2, config.NumKeyValueHeads, tokensPerBlock, config.HeadDim }, dtype, device)
            .DetachFromDisposeScope();
    }

    public Tensor Tensor { get; }

    /// <summary>Bytes one block of this model holds (what the pool's budget counts).</summary>
    public static long BlockBytes(MoeModelConfig config, int tokensPerBlock, ScalarType dtype) =>
        (long)config.NumLayers * 2 * config.NumKeyValueHeads * tokensPerBlock * config.HeadDim * ElementSize(dtype);

    /// <summary>Bytes a request of <paramref name="positions"/> positions may hold, rounded up to whole blocks.</summary>
    public static long RequestBytes(MoeModelConfig config, int tokensPerBlock, ScalarType dtype, int positions) =>
        ((positions + tokensPerBlock - 1) / tokensPerBlock) * BlockBytes(config, tokensPerBlock, dtype);

    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no KV block size known for this dtype"),
    };

    public void Dispose() => Tensor.Dispose();
}
