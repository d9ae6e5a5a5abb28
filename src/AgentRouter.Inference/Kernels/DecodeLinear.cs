using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// <c>nn.functional.linear</c> that, for a few rows of float32 or bf16 on the CPU outside autograd (decoding),
/// runs <see cref="SmallBatchGemv"/> instead of libtorch's matrix–vector kernel (bf16 accumulates in float32 and
/// rounds once, as libtorch does). Everything else (more
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
        var rows = (int)(input.numel() / inFeatures);
        var outputShape = input.shape.ToArray();
        outputShape[^1] = outFeatures;
        var bfloat16 = weight.dtype == ScalarType.BFloat16;
        var output = empty(outputShape, weight.dtype, input.device);
        // A copy only when the rows are strided; a contiguous input is read in place (one tensor fewer per call).
        using var contiguousInputCopy = input.is_contiguous() ? null : input.contiguous();
        var contiguousInput = contiguousInputCopy ?? input;
        // bf16: rows and bias are widened into float32 scratch, the product accumulates in float32 and is rounded once at the end.
        var scratch = bfloat16 ? ArrayPool<float>.Shared.Rent((int)((rows * inFeatures) + (rows * outFeatures) + outFeatures)) : null;
        try
        {
            unsafe
            {
                fixed (byte* inputBytes = contiguousInput.bytes)
                fixed (byte* weightBytes = weight.bytes)
                fixed (byte* outputBytes = output.bytes)
                fixed (byte* biasBytes = bias is null ? default : bias.bytes)
                fixed (float* scratchValues = scratch)
                {
                    var inputValues = (float*)inputBytes;
                    var outputValues = (float*)outputBytes;
                    var biasValues = (float*)biasBytes;
                    if (bfloat16)
                    {
                        inputValues = scratchValues;
                        outputValues = scratchValues + (rows * inFeatures);
                        BFloat16Bits.Widen((ushort*)inputBytes, inputValues, rows * inFeatures);
                        if (bias is not null)
                        {
                            biasValues = outputValues + (rows * outFeatures);
                            BFloat16Bits.Widen((ushort*)biasBytes, biasValues, outFeatures);
                        }
                    }
                    Multiply(weight, inputValues, rows, weightBytes, bfloat16, (int)outFeatures, (int)inFeatures, biasValues, outputValues);
                    if (bfloat16)
                    {
                        BFloat16Bits.Narrow(outputValues, (ushort*)outputBytes, rows * outFeatures);
                    }
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
        return output;
    }

    /// <summary>The float32/bf16 kernel, or the int8 one where <see cref="Int8DecodeWeights"/> holds a copy of this weight.</summary>
    private static unsafe void Multiply(Tensor weight, float* input, int rows, byte* weightBytes, bool bfloat16, int outFeatures, int inFeatures, float* bias, float* output)
    {
        if (Int8BlockMatrix.KernelSupported && Int8DecodeWeights.TryGet(weight, out var quantised))
        {
            Int8Gemv.Multiply(input, rows, quantised.Matrix, quantised.Activations, 0, outFeatures, bias, output);
        }
        else
        {
            SmallBatchGemv.Multiply(input, rows, weightBytes, bfloat16, 0, outFeatures, inFeatures, bias, output);
        }
    }

    /// <summary>Decoding conditions: autograd off, CPU, float32 or bf16 throughout, a contiguous 2-D weight, at most
    /// <see cref="MaxRows"/> rows.</summary>
    internal static bool Applies(Tensor input, Tensor weight, Tensor? bias = null) =>
        ManagedKernelsEnabled
        && SmallBatchGemv.IsSupported
        && !is_grad_enabled()
        && IsManagedDType(input, weight)
        && weight.dim() == 2 && weight.is_contiguous()
        && input.dim() >= 1 && input.shape[^1] == weight.shape[1] && weight.shape[1] > 0
        && input.numel() > 0 && input.numel() / weight.shape[1] <= MaxRows
        && (bias is null || (bias.dtype == weight.dtype && bias.device_type == TorchSharp.DeviceType.CPU && bias.is_contiguous() && bias.numel() == weight.shape[0]));

    /// <summary>Both CPU float32, or both CPU bf16 where the widening runs in hardware.</summary>
    internal static bool IsManagedDType(Tensor input, Tensor weight) =>
        (IsCpuFloat32(input) && IsCpuFloat32(weight))
        || (BFloat16Bits.IsSupported && BFloat16Bits.IsCpuBFloat16(input) && BFloat16Bits.IsCpuBFloat16(weight));

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
