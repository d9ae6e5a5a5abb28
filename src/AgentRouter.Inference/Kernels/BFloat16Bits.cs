using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// bfloat16 is the top half of a float32, so widening is a 16-bit shift and the managed kernels can stream bf16
/// weights (half the bytes of float32) while accumulating in float32, as libtorch's CPU kernels do. Narrowing rounds to
/// nearest even, like libtorch's conversion.
/// </summary>
internal static unsafe class BFloat16Bits
{
    /// <summary>Whether the vector widening runs in hardware (AVX2's zero-extending load).</summary>
    public static bool IsSupported => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40);
        }
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>Eight bf16 values at <paramref name="source"/> as float32.</summary>
    public static Vector256<float> Load8(ushort* source) =>
        Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(source), 16).AsSingle();

    public static void Widen(ushort* source, float* target, long count)
    {
        for (var index = 0L; index < count; index++)
        {
            target[index] = ToSingle(source[index]);
        }
    }

    public static void Narrow(float* source, ushort* target, long count)
    {
        for (var index = 0L; index < count; index++)
        {
            target[index] = FromSingle(source[index]);
        }
    }

    public static bool IsCpuBFloat16(Tensor tensor) => tensor.device_type == TorchSharp.DeviceType.CPU && tensor.dtype == ScalarType.BFloat16;
}
