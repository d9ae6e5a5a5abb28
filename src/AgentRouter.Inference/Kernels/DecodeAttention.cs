using System.Buffers;
using System.Runtime.Intrinsics;
using AgentRouter.Inference.Generation;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// One decode step of grouped-query attention (batch 1, one new token, no mask) on the CPU without libtorch dispatch:
/// RoPE of this step's queries and keys, then scores against every cached key, a float32 softmax and the weighted sum of
/// the cached values, read in place through the cache's strides. The written-out libtorch path creates about twenty
/// tensors per layer for this (views, roll, products, two matmuls, softmax), which at decode shapes costs more than the
/// arithmetic; same operations, the sums taken in another order.
/// </summary>
internal static unsafe class DecodeAttention
{
    /// <param name="hidden">[B, T, H], the attention input.</param>
    /// <param name="cos">[B, 1, T, D] from <see cref="Modules.RotaryTable.Gather"/>.</param>
    public static bool Applies(Tensor hidden, Tensor cos, Tensor? additiveMask, IKvCache? cache) =>
        cache is not null
        && additiveMask is null
        && DecodeLinear.ManagedKernelsEnabled
        && SmallBatchGemv.IsSupported
        && !is_grad_enabled()
        && hidden.dim() == 3 && hidden.shape[0] == 1 && hidden.shape[1] == 1
        && DecodeLinear.IsCpuFloat32(hidden) && DecodeLinear.IsCpuFloat32(cos) && cos.is_contiguous();

    /// <summary>x·cos + roll(x, D/2)·signedSin for each head of one position (<see cref="Modules.RotaryTable.Apply"/>'s
    /// products and sum, rounded the same way).</summary>
    /// <param name="states">[1, 1, heads, D] (any float32 layout; copied when strided).</param>
    /// <returns>[1, heads, 1, D], contiguous.</returns>
    public static Tensor Rotate(Tensor states, Tensor cos, Tensor signedSin, int heads, int headDim)
    {
        using var contiguousCopy = states.is_contiguous() ? null : states.contiguous();
        using var contiguousSin = signedSin.is_contiguous() ? null : signedSin.contiguous();
        var source = contiguousCopy ?? states;
        var sin = contiguousSin ?? signedSin;
        var rotated = empty(new long[] { 1, heads, 1, headDim }, ScalarType.Float32, states.device);
        fixed (byte* sourceBytes = source.bytes)
        fixed (byte* cosBytes = cos.bytes)
        fixed (byte* sinBytes = sin.bytes)
        fixed (byte* targetBytes = rotated.bytes)
        {
            Rotate((float*)sourceBytes, (float*)cosBytes, (float*)sinBytes, heads, headDim, (float*)targetBytes);
        }
        return rotated;
    }

    /// <param name="queries">[1, heads, 1, D], contiguous (from <see cref="Rotate"/>).</param>
    /// <param name="keys">[1, kvHeads, L, D]: every cached position, as the cache returns it (strided views are read in place).</param>
    /// <param name="values">[1, kvHeads, L, D], likewise.</param>
    /// <returns>[1, 1, heads·D]: the heads side by side, ready for the output projection.</returns>
    public static Tensor Attend(Tensor queries, Tensor keys, Tensor values, int heads, int keyValueHeads, int headDim)
    {
        using var contiguousKeys = keys.stride(3) == 1 ? null : keys.contiguous();
        using var contiguousValues = values.stride(3) == 1 ? null : values.contiguous();
        keys = contiguousKeys ?? keys;
        values = contiguousValues ?? values;
        var length = (int)keys.shape[2];
        var groups = heads / keyValueHeads;
        var output = empty(new long[] { 1, 1, (long)heads * headDim }, ScalarType.Float32, queries.device);
        // Scores of every query head of a group side by side: each cached key and value row is read once per group.
        var scores = ArrayPool<float>.Shared.Rent(length * groups);
        try
        {
            fixed (byte* queryBytes = queries.bytes)
            fixed (byte* outputBytes = output.bytes)
            fixed (float* weights = scores)
            {
                var keyRows = new CachedRows((float*)keys.storage<float>().data_ptr() + keys.storage_offset(), keys.stride(1), keys.stride(2));
                var valueRows = new CachedRows((float*)values.storage<float>().data_ptr() + values.storage_offset(), values.stride(1), values.stride(2));
                Attend((float*)queryBytes, keyRows, valueRows, length, heads, keyValueHeads, headDim, weights, (float*)outputBytes);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
        return output;
    }

    /// <summary>One head's cached rows: row (head, step) starts at <c>Base + head·HeadStride + step·StepStride</c>.</summary>
    internal readonly struct CachedRows(float* rowBase, long headStride, long stepStride)
    {
        public readonly float* Base = rowBase;
        public readonly long HeadStride = headStride;
        public readonly long StepStride = stepStride;
    }

    /// <summary>The pointer form of <see cref="Attend(Tensor, Tensor, Tensor, int, int, int)"/>.</summary>
    /// <param name="queries">[heads, D], rotated.</param>
    /// <param name="weights">Scratch of at least <paramref name="length"/> · heads / kvHeads floats.</param>
    /// <param name="output">[heads · D], overwritten.</param>
    internal static void Attend(float* queries, CachedRows keys, CachedRows values, int length, int heads, int keyValueHeads, int headDim, float* weights,
        float* output)
    {
        var groups = heads / keyValueHeads;
        var scale = (float)(1.0 / Math.Sqrt(headDim));
        for (var keyValueHead = 0; keyValueHead < keyValueHeads; keyValueHead++)
        {
            var firstQuery = queries + ((long)keyValueHead * groups * headDim);
            for (var step = 0; step < length; step++)
            {
                var key = keys.Base + (keyValueHead * keys.HeadStride) + (step * keys.StepStride);
                for (var member = 0; member < groups; member++)
                {
                    weights[(member * length) + step] = SmallBatchGemv.Dot(key, firstQuery + ((long)member * headDim), headDim) * scale;
                }
            }
            for (var member = 0; member < groups; member++)
            {
                Softmax(weights + (member * length), length);
                new Span<float>(output + (((long)(keyValueHead * groups) + member) * headDim), headDim).Clear();
            }
            for (var step = 0; step < length; step++)
            {
                var value = values.Base + (keyValueHead * values.HeadStride) + (step * values.StepStride);
                for (var member = 0; member < groups; member++)
                {
                    AddScaled(value, weights[(member * length) + step], output + (((long)(keyValueHead * groups) + member) * headDim), headDim);
                }
            }
        }
    }

    /// <summary>The pointer form of <see cref="Rotate(Tensor, Tensor, Tensor, int, int)"/>: <paramref name="heads"/> rows of
    /// <paramref name="headDim"/> from <paramref name="source"/> to <paramref name="target"/> (may be the same only if distinct rows).</summary>
    internal static void Rotate(float* source, float* cos, float* signedSin, int heads, int headDim, float* target)
    {
        var half = headDim / 2;
        for (var head = 0; head < heads; head++)
        {
            var x = source + ((long)head * headDim);
            var y = target + ((long)head * headDim);
            for (var i = 0; i < headDim; i++)
            {
                var rolled = i < half ? x[i + half] : x[i - half];
                y[i] = (x[i] * cos[i]) + (rolled * signedSin[i]);
            }
        }
    }

    /// <summary>In place, in float32: exp(x − max) / Σ.</summary>
    private static void Softmax(float* values, int length)
    {
        var maximum = float.NegativeInfinity;
        for (var index = 0; index < length; index++)
        {
            maximum = MathF.Max(maximum, values[index]);
        }
        var total = 0f;
        for (var index = 0; index < length; index++)
        {
            values[index] = MathF.Exp(values[index] - maximum);
            total += values[index];
        }
        var inverse = 1f / total;
        for (var index = 0; index < length; index++)
        {
            values[index] *= inverse;
        }
    }

    /// <summary>target += weight · source over <paramref name="length"/> floats.</summary>
    private static void AddScaled(float* source, float weight, float* target, int length)
    {
        var index = 0;
        var factor = Vector256.Create(weight);
        for (; index <= length - 8; index += 8)
        {
            (Vector256.Load(target + index) + (Vector256.Load(source + index) * factor)).Store(target + index);
        }
        for (; index < length; index++)
        {
            target[index] += source[index] * weight;
        }
    }
}
