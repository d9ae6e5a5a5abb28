using System.Buffers.Binary;

namespace AgentRouter.Inference.Gguf;

/// <summary>float32 → the stored element types, rounding exactly as llama.cpp's converter (gguf-py) does.</summary>
public static class GgufEncoding
{
    public static byte[] Encode(ReadOnlySpan<float> values, GgmlType type) => type switch
    {
        GgmlType.F32 => EncodeF32(values),
        GgmlType.F16 => EncodeF16(values),
        GgmlType.BF16 => EncodeBf16(values),
        GgmlType.Q8_0 => EncodeQ8(values),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a ggml type this project writes"),
    };

    private static byte[] EncodeF32(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }
        return bytes;
    }

    private static byte[] EncodeF16(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            // (Half) rounds to nearest even, as numpy's astype(float16) does.
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)values[i]));
        }
        return bytes;
    }

    private static byte[] EncodeBf16(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), ToBf16Bits(values[i]));
        }
        return bytes;
    }

    /// <summary>Round-to-nearest-even truncation of the low 16 bits; NaN stays a quiet NaN (ggml_compute_fp32_to_bf16).</summary>
    public static ushort ToBf16Bits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffff) > 0x7f800000)
        {
            return (ushort)((bits >> 16) | 64);
        }
        return (ushort)((bits + (0x7fff + ((bits >> 16) & 1))) >> 16);
    }

    private static byte[] EncodeQ8(ReadOnlySpan<float> values)
    {
        if (values.Length % Q8Block.Elements != 0)
        {
            throw new ArgumentException($"q8_0 needs whole blocks of {Q8Block.Elements} values; got {values.Length}", nameof(values));
        }
        var blocks = values.Length / Q8Block.Elements;
        var bytes = new byte[blocks * Q8Block.Bytes];
        for (var block = 0; block < blocks; block++)
        {
            var source = values.Slice(block * Q8Block.Elements, Q8Block.Elements);
            var target = bytes.AsSpan(block * Q8Block.Bytes, Q8Block.Bytes);
            var maximum = 0f;
            foreach (var value in source)
            {
                maximum = MathF.Max(maximum, MathF.Abs(value));
            }
            var scale = maximum / 127f;
            BinaryPrimitives.WriteUInt16LittleEndian(target, BitConverter.HalfToUInt16Bits((Half)scale));
            for (var i = 0; i < Q8Block.Elements; i++)
            {
                // gguf-py divides by the float32 scale and rounds half away from zero (np_roundf).
                var quantized = scale == 0f ? 0f : MathF.Round(source[i] / scale, MidpointRounding.AwayFromZero);
                target[2 + i] = unchecked((byte)(sbyte)quantized);
            }
        }
        return bytes;
    }
}
