using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// <c>nn.functional.linear</c> that, for a few rows of float32 on the CPU outside autograd (decoding),
/// runs <see cref="SmallBatchGemv"/> instead of libtorch's matrix–vector kernel. Everything else (more
/// rows, training, CUDA, other dtypes) goes to libtorch unchanged, so results differ only by the order in
/// which products are summed.
/// </summary>
public static class DecodeLinear
{
    /// <summary>The most input rows (tokens) the managed kernel takes; beyond this the product is a GEMM and libtorch wins.</summary>
    public const int MaxRows = 8;

    /// <summary>
    /// Process-wide switch for the managed decode kernels (this class and <see cref="SmallBatchExpertMixer"/>);
    /// on by default. <c>bench moe</c> turns it off to measure the libtorch-only path in the same run.
    /// </summary>
    public static bool ManagedKernelsEnabled { get; set; } = true;

    public static Tensor Forward(Linear linear, Tensor input) => Apply(input, linear.weight!, linear.bias);

    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (!Applies(input, weight, bias))
        {
            return nn.functional.linear(input, weight, bias);
        }
        var inFeatures = weight.shape[1];
        var outFeatures = weight.shape[0];
        var rows = input.numel() / inFeatures;
        var outputShape = input.shape.ToArray();
        outputShape[^1] = outFeatures;
        var output = empty(outputShape, ScalarType.Float32, input.device);
        using var contiguousInput = input.contiguous();
        unsafe
        {
            fixed (byte* inputBytes = contiguousInput.bytes)
            fixed (byte* weightBytes = weight.bytes)
            fixed (byte* outputBytes = output.bytes)
            {
                float* biasValues = null;
                if (bias is null)
                {
                    SmallBatchGemv.Multiply((float*)inputBytes, (int)rows, (float*)weightBytes, (int)outFeatures, (int)inFeatures, biasValues, (float*)outputBytes);
                    return output;
                }
                fixed (byte* biasBytes = bias.bytes)
                {
                    biasValues = (float*)biasBytes;
                    SmallBatchGemv.Multiply((float*)inputBytes, (int)rows, (float*)weightBytes, (int)outFeatures, (int)inFeatures, biasValues, (float*)outputBytes);
                }
            }
        }
        return output;
    }

    /// <summary>Decoding conditions: autograd off, CPU float32, a contiguous 2-D weight, at most <see cref="MaxRows"/> rows.</summary>
    internal static bool Applies(Tensor input, Tensor weight, Tensor? bias = null) =>
        ManagedKernelsEnabled
        && SmallBatchGemv.IsSupported
        && !is_grad_enabled()
        && IsCpuFloat32(input)
        && IsCpuFloat32(weight) && weight.dim() == 2 && weight.is_contiguous()
        && input.dim() >= 1 && input.shape[^1] == weight.shape[1] && weight.shape[1] > 0
        && input.numel() > 0 && input.numel() / weight.shape[1] <= MaxRows
        && (bias is null || (IsCpuFloat32(bias) && bias.is_contiguous() && bias.numel() == weight.shape[0]));

    internal static bool IsCpuFloat32(Tensor tensor) => tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32;

    internal static ReadOnlySpan<float> Floats(Tensor contiguous) => MemoryMarshal.Cast<byte, float>(contiguous.bytes);
}
