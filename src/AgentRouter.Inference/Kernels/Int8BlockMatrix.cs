using System.Runtime.Intrinsics;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// A [rows, columns] float32 matrix stored weight-only int8 in q8_0-style blocks: every 32 consecutive values of a row
/// share one float32 scale (max |x| / 127) and are rounded half away from zero to [-127, 127]. A row costs
/// 36 bytes per 32 values instead of 128, which is what a memory-bound decode step reads.
/// </summary>
public sealed class Int8BlockMatrix
{
    public const int BlockSize = 32;

    private Int8BlockMatrix(int rows, int columns, sbyte[] values, float[] scales)
    {
        Rows = rows;
        Columns = columns;
        Values = values;
        Scales = scales;
    }

    public int Rows { get; }

    public int Columns { get; }

    public int BlocksPerRow => Columns / BlockSize;

    /// <summary>[rows, columns] quantised values, row-major.</summary>
    internal sbyte[] Values { get; }

    /// <summary>[rows, columns / 32] block scales.</summary>
    internal float[] Scales { get; }

    public long ByteCount => Values.LongLength + (Scales.LongLength * sizeof(float));

    /// <summary>Whether a row of <paramref name="columns"/> values is whole blocks (other shapes stay float32).</summary>
    public static bool CanQuantize(long columns) => columns > 0 && columns % BlockSize == 0;

    public static Int8BlockMatrix Quantize(ReadOnlySpan<float> values, int rows, int columns)
    {
        if (!CanQuantize(columns) || (long)rows * columns != values.Length)
        {
            throw new ArgumentException($"cannot quantise {values.Length} values as [{rows}, {columns}] in blocks of {BlockSize}", nameof(values));
        }
        var quantised = new sbyte[values.Length];
        var scales = new float[values.Length / BlockSize];
        for (var block = 0; block < scales.Length; block++)
        {
            scales[block] = QuantizeBlock(values.Slice(block * BlockSize, BlockSize), quantised.AsSpan(block * BlockSize, BlockSize));
        }
        return new Int8BlockMatrix(rows, columns, quantised, scales);
    }

    /// <summary>One block: returns its scale and writes its rounded values; an all-zero block has scale 0.</summary>
    internal static float QuantizeBlock(ReadOnlySpan<float> source, Span<sbyte> target)
    {
        var maximum = 0f;
        foreach (var value in source)
        {
            maximum = MathF.Max(maximum, MathF.Abs(value));
        }
        var scale = maximum / 127f;
        var inverse = scale == 0f ? 0f : 1f / scale;
        for (var i = 0; i < source.Length; i++)
        {
            target[i] = (sbyte)MathF.Round(source[i] * inverse, MidpointRounding.AwayFromZero);
        }
        return scale;
    }

    /// <summary>The float32 values these blocks stand for (for tests and error measurement).</summary>
    public float[] Dequantize()
    {
        var result = new float[Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Values[i] * Scales[i / BlockSize];
        }
        return result;
    }

    internal static bool KernelSupported => Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx2.IsSupported;
}
