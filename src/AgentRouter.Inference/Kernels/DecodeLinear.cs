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
        // A copy only when the rows are strided; a contiguous input is read in place (one tensor fewer per call).
        using var contiguousInputCopy = input.is_contiguous() ? null : input.contiguous();
        var contiguousInput = contiguousInputCopy ?? input;
        unsafe
        {
            fixed (byte* inputBytes = contiguousInput.bytes)
            fixed (byte* weightBytes = weight.bytes)
            fixed (byte* outputBytes = output.bytes)
            {
                if (bias is null)
                {
                    Multiply(weight, (float*)inputBytes, (int)rows, (float*)weightBytes, (int)outFeatures, (int)inFeatures, null, (float*)outputBytes);
                    return output;
                }
                fixed (byte* biasBytes = bias.bytes)
                {
                    Multiply(weight, (float*)inputBytes, (int)rows, (float*)weightBytes, (int)outFeatures, (int)inFeatures, (float*)biasBytes, (float*)outputBytes);
                }
            }
        }
        return output;
    }

    /// <summary>The float32 kernel, or the int8 one where <see cref="Int8DecodeWeights"/> holds a copy of this weight.</summary>
    private static unsafe void Multiply(Tensor weight, float* input, int rows, float* weightValues, int outFeatures, int inFeatures, float* bias, float* output)
    {
        if (Int8BlockMatrix.KernelSupported && Int8DecodeWeights.TryGet(weight, out var quantised))
        {
            Int8Gemv.Multiply(input, rows, quantised, 0, outFeatures, bias, output);
        }
        else
        {
            SmallBatchGemv.Multiply(input, rows, weightValues, outFeatures, inFeatures, bias, output);
        }
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

    /// <summary>The same decoding conditions for a row-wise op whose per-feature parameter has the input's last dimension.</summary>
    internal static bool AppliesElementwise(Tensor input, Tensor parameter) =>
        ManagedKernelsEnabled
        && SmallBatchGemv.IsSupported
        && !is_grad_enabled()
        && IsCpuFloat32(input) && IsCpuFloat32(parameter) && parameter.is_contiguous()
        && input.dim() >= 1 && parameter.dim() == 1 && input.shape[^1] == parameter.shape[0] && parameter.shape[0] > 0
        && input.numel() > 0 && input.numel() / parameter.shape[0] <= MaxRows;

    internal static bool IsCpuFloat32(Tensor tensor) => tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32;

    internal static ReadOnlySpan<float> Floats(Tensor contiguous) => MemoryMarshal.Cast<byte, float>(contiguous.bytes);
}
