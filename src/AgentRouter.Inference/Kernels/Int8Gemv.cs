using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// <c>output[m, n] = Σ_k input[m, k] · W[n, k] (+ bias[n])</c> with W in <see cref="Int8BlockMatrix"/> blocks, for a
/// few input rows (decoding). With <see cref="Int8Activations.Float32"/> weight-only: int8 weights are widened to float32
/// in registers and multiplied with the float32 activations. With <see cref="Int8Activations.Int8"/>, each input row is quantised once per call to
/// the same 32-value blocks and every block pair is an integer dot product (AVX-VNNI <c>vpdpbusd</c> where present,
/// else AVX2 <c>vpmaddubsw</c>/<c>vpmaddwd</c>) scaled by the two block scales — llama.cpp's q8_0 × q8_0 arithmetic.
/// </summary>
internal static unsafe class Int8Gemv
{
    /// <summary>Weight-only variant: Σ_blocks scale_w · Σ float(w)·a.</summary>
    internal static float DotFloat(sbyte* weights, float* weightScales, float* activations, int blocks)
    {
        var total0 = Vector256<float>.Zero;
        var total1 = Vector256<float>.Zero;
        for (var block = 0; block < blocks; block++)
        {
            var w = weights + (block * 32);
            var a = activations + (block * 32);
            var part0 = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w)), Avx.LoadVector256(a));
            var part1 = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w + 8)), Avx.LoadVector256(a + 8));
            part0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w + 16)), Avx.LoadVector256(a + 16), part0);
            part1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w + 24)), Avx.LoadVector256(a + 24), part1);
            var scale = Vector256.Create(weightScales[block]);
            total0 = Fma.MultiplyAdd(part0, scale, total0);
            total1 = Fma.MultiplyAdd(part1, scale, total1);
        }
        return Vector256.Sum(total0 + total1);
    }

    /// <param name="input">[rows, matrix.Columns], row-major.</param>
    /// <param name="activations">Weight-only float32 activations, or activations quantised to int8 blocks too.</param>
    /// <param name="firstRow">First row of <paramref name="matrix"/> to use (an expert's slice of a stacked matrix).</param>
    /// <param name="outFeatures">How many matrix rows from <paramref name="firstRow"/>.</param>
    /// <param name="output">[rows, outFeatures], overwritten.</param>
    public static void Multiply(float* input, int rows, Int8BlockMatrix matrix, Int8Activations activations, int firstRow, int outFeatures, float* bias,
        float* output)
    {
        var columns = matrix.Columns;
        var blocks = matrix.BlocksPerRow;
        var weightBytes = (long)outFeatures * (columns + (blocks * sizeof(float)));
        var quantised = activations == Int8Activations.Int8;
        var quantisedInput = quantised ? ArrayPool<sbyte>.Shared.Rent(rows * columns) : null;
        var inputScales = quantised ? ArrayPool<float>.Shared.Rent(rows * blocks) : null;
        try
        {
            fixed (sbyte* weights = matrix.Values)
            fixed (float* weightScales = matrix.Scales)
            fixed (sbyte* quantisedValues = quantisedInput)
            fixed (float* quantisedScales = inputScales)
            {
                if (quantised)
                {
                    QuantiseActivations(input, rows * blocks, quantisedValues, quantisedScales);
                }
                var job = new Job(input, quantisedValues, quantisedScales, rows, weights + ((long)firstRow * columns), weightScales + ((long)firstRow * blocks),
                    columns, blocks, outFeatures, bias, output);
                // The feature rows are shared with the decode helper thread where the engine runs two or more threads (DecodeWorker).
                DecodeWorker.For(outFeatures, weightBytes, quantised ? (delegate*<void*, int, int, void>)&MultiplyFeaturesInt8 : &MultiplyFeaturesFloat, &job);
            }
        }
        finally
        {
            if (quantised)
            {
                ArrayPool<sbyte>.Shared.Return(quantisedInput!);
                ArrayPool<float>.Shared.Return(inputScales!);
            }
        }
    }

    /// <summary>One product's operands, for <see cref="DecodeWorker"/>'s chunks (weights and scales from the first used row).</summary>
    private readonly struct Job(float* input, sbyte* quantisedInput, float* inputScales, int rows, sbyte* weights, float* weightScales, int columns, int blocks,
        int outFeatures, float* bias, float* output)
    {
        public readonly float* Input = input;
        public readonly sbyte* QuantisedInput = quantisedInput;
        public readonly float* InputScales = inputScales;
        public readonly int Rows = rows;
        public readonly sbyte* Weights = weights;
        public readonly float* WeightScales = weightScales;
        public readonly int Columns = columns;
        public readonly int Blocks = blocks;
        public readonly int OutFeatures = outFeatures;
        public readonly float* Bias = bias;
        public readonly float* Output = output;
    }

    // Why four rows a quarter of the range apart: one sequential stream of int8 rows reads from DRAM at ~21–26 GB/s here,
    // the rate of a single hardware-prefetch stream; four streams in four distant places read 34–41 GB/s for the same
    // bytes (docs/benchmarks/llamacpp.md). Rows side by side would be one stream again. Each row's sum keeps the order of
    // the one-row dot product, so results are bit for bit those of a row at a time.
    private static void MultiplyFeaturesFloat(void* argument, int firstFeature, int endFeature)
    {
        var job = (Job*)argument;
        var quarter = (endFeature - firstFeature) / 4;
        for (var index = 0; index < quarter; index++)
        {
            var feature = firstFeature + index;
            for (var row = 0; row < job->Rows; row++)
            {
                var activations = job->Input + ((long)row * job->Columns);
                var (sum0, sum1, sum2, sum3) = DotFloat4(job, feature, quarter, activations);
                Store(job, row, feature, quarter, sum0, sum1, sum2, sum3);
            }
        }
        for (var feature = firstFeature + (4 * quarter); feature < endFeature; feature++)
        {
            var weightRow = job->Weights + ((long)feature * job->Columns);
            var weightRowScales = job->WeightScales + ((long)feature * job->Blocks);
            var offset = job->Bias is null ? 0f : job->Bias[feature];
            for (var row = 0; row < job->Rows; row++)
            {
                job->Output[((long)row * job->OutFeatures) + feature] =
                    DotFloat(weightRow, weightRowScales, job->Input + ((long)row * job->Columns), job->Blocks) + offset;
            }
        }
    }

    private static void MultiplyFeaturesInt8(void* argument, int firstFeature, int endFeature)
    {
        var job = (Job*)argument;
        var quarter = (endFeature - firstFeature) / 4;
        for (var index = 0; index < quarter; index++)
        {
            var feature = firstFeature + index;
            for (var row = 0; row < job->Rows; row++)
            {
                var (sum0, sum1, sum2, sum3) = Dot4(job, feature, quarter, job->QuantisedInput + ((long)row * job->Columns),
                    job->InputScales + ((long)row * job->Blocks));
                Store(job, row, feature, quarter, sum0, sum1, sum2, sum3);
            }
        }
        for (var feature = firstFeature + (4 * quarter); feature < endFeature; feature++)
        {
            var weightRow = job->Weights + ((long)feature * job->Columns);
            var weightRowScales = job->WeightScales + ((long)feature * job->Blocks);
            var offset = job->Bias is null ? 0f : job->Bias[feature];
            for (var row = 0; row < job->Rows; row++)
            {
                job->Output[((long)row * job->OutFeatures) + feature] = Dot(weightRow, weightRowScales, job->QuantisedInput + ((long)row * job->Columns),
                    job->InputScales + ((long)row * job->Blocks), job->Blocks) + offset;
            }
        }
    }

    /// <summary>Writes the sums of features f, f + stride, f + 2·stride and f + 3·stride for one input row, plus bias.</summary>
    private static void Store(Job* job, int row, int feature, int stride, float sum0, float sum1, float sum2, float sum3)
    {
        var output = job->Output + ((long)row * job->OutFeatures);
        var bias = job->Bias;
        output[feature] = sum0 + (bias is null ? 0f : bias[feature]);
        output[feature + stride] = sum1 + (bias is null ? 0f : bias[feature + stride]);
        output[feature + (2 * stride)] = sum2 + (bias is null ? 0f : bias[feature + (2 * stride)]);
        output[feature + (3 * stride)] = sum3 + (bias is null ? 0f : bias[feature + (3 * stride)]);
    }

    /// <summary><see cref="DotFloat"/> for four weight rows <paramref name="stride"/> apart, one activation row.</summary>
    private static (float, float, float, float) DotFloat4(Job* job, int feature, int stride, float* activations)
    {
        var columns = job->Columns;
        var blocks = job->Blocks;
        var w0 = job->Weights + ((long)feature * columns);
        var w1 = w0 + ((long)stride * columns);
        var w2 = w1 + ((long)stride * columns);
        var w3 = w2 + ((long)stride * columns);
        var s0 = job->WeightScales + ((long)feature * blocks);
        var s1 = s0 + ((long)stride * blocks);
        var s2 = s1 + ((long)stride * blocks);
        var s3 = s2 + ((long)stride * blocks);
        var (a0, a1, b0, b1, c0, c1, d0, d1) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero,
            Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
        for (var block = 0; block < blocks; block++)
        {
            var offset = block * 32;
            var x = activations + offset;
            var (x0, x1, x2, x3) = (Avx.LoadVector256(x), Avx.LoadVector256(x + 8), Avx.LoadVector256(x + 16), Avx.LoadVector256(x + 24));
            AccumulateFloatBlock(w0 + offset, x0, x1, x2, x3, s0[block], ref a0, ref a1);
            AccumulateFloatBlock(w1 + offset, x0, x1, x2, x3, s1[block], ref b0, ref b1);
            AccumulateFloatBlock(w2 + offset, x0, x1, x2, x3, s2[block], ref c0, ref c1);
            AccumulateFloatBlock(w3 + offset, x0, x1, x2, x3, s3[block], ref d0, ref d1);
        }
        return (Vector256.Sum(a0 + a1), Vector256.Sum(b0 + b1), Vector256.Sum(c0 + c1), Vector256.Sum(d0 + d1));
    }

    /// <summary>One block of <see cref="DotFloat"/>, in its order of operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateFloatBlock(sbyte* w, Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3, float scale,
        ref Vector256<float> total0, ref Vector256<float> total1)
    {
        var part0 = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w)), x0);
        var part1 = Avx.Multiply(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w + 8)), x1);
        part0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w + 16)), x2, part0);
        part1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(w + 24)), x3, part1);
        var broadcast = Vector256.Create(scale);
        total0 = Fma.MultiplyAdd(part0, broadcast, total0);
        total1 = Fma.MultiplyAdd(part1, broadcast, total1);
    }

    /// <summary><see cref="Dot"/> for four weight rows <paramref name="stride"/> apart: even blocks into one accumulator and
    /// odd blocks into another per row, as there.</summary>
    private static (float, float, float, float) Dot4(Job* job, int feature, int stride, sbyte* activations, float* activationScales)
    {
        var columns = job->Columns;
        var blocks = job->Blocks;
        var w0 = job->Weights + ((long)feature * columns);
        var w1 = w0 + ((long)stride * columns);
        var w2 = w1 + ((long)stride * columns);
        var w3 = w2 + ((long)stride * columns);
        var s0 = job->WeightScales + ((long)feature * blocks);
        var s1 = s0 + ((long)stride * blocks);
        var s2 = s1 + ((long)stride * blocks);
        var s3 = s2 + ((long)stride * blocks);
        var (a0, a1, b0, b1, c0, c1, d0, d1) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero,
            Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
        var block = 0;
        for (; block + 1 < blocks; block += 2)
        {
            var offset = block * 32;
            var even = Avx.LoadVector256(activations + offset);
            var odd = Avx.LoadVector256(activations + offset + 32);
            var (evenScale, oddScale) = (activationScales[block], activationScales[block + 1]);
            a0 = AccumulateBlock(w0 + offset, even, s0[block] * evenScale, a0);
            a1 = AccumulateBlock(w0 + offset + 32, odd, s0[block + 1] * oddScale, a1);
            b0 = AccumulateBlock(w1 + offset, even, s1[block] * evenScale, b0);
            b1 = AccumulateBlock(w1 + offset + 32, odd, s1[block + 1] * oddScale, b1);
            c0 = AccumulateBlock(w2 + offset, even, s2[block] * evenScale, c0);
            c1 = AccumulateBlock(w2 + offset + 32, odd, s2[block + 1] * oddScale, c1);
            d0 = AccumulateBlock(w3 + offset, even, s3[block] * evenScale, d0);
            d1 = AccumulateBlock(w3 + offset + 32, odd, s3[block + 1] * oddScale, d1);
        }
        if (block < blocks)
        {
            var offset = block * 32;
            var last = Avx.LoadVector256(activations + offset);
            var lastScale = activationScales[block];
            a0 = AccumulateBlock(w0 + offset, last, s0[block] * lastScale, a0);
            b0 = AccumulateBlock(w1 + offset, last, s1[block] * lastScale, b0);
            c0 = AccumulateBlock(w2 + offset, last, s2[block] * lastScale, c0);
            d0 = AccumulateBlock(w3 + offset, last, s3[block] * lastScale, d0);
        }
        return (Vector256.Sum(a0 + a1), Vector256.Sum(b0 + b1), Vector256.Sum(c0 + c1), Vector256.Sum(d0 + d1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> AccumulateBlock(sbyte* weights, Vector256<sbyte> activations, float scale, Vector256<float> sum) =>
        Fma.MultiplyAdd(Avx.ConvertToVector256Single(BlockDot(weights, activations)), Vector256.Create(scale), sum);

    /// <summary>
    /// <paramref name="blocks"/> consecutive 32-value blocks of activations to int8 with one scale each (max |x| / 127),
    /// eight values per instruction. Rounds to nearest with ties to even (<c>vcvtps2dq</c>, as llama.cpp's q8_0
    /// quantiser does), where <see cref="Int8BlockMatrix.QuantizeBlock"/> rounds ties away from zero: the two differ
    /// only where a value lands exactly halfway between two integers.
    /// </summary>
    internal static void QuantiseActivations(float* source, int blocks, sbyte* target, float* scales)
    {
        var magnitudeMask = Vector256.Create(0x7FFFFFFF).AsSingle();
        for (var block = 0; block < blocks; block++)
        {
            var values = source + ((long)block * 32);
            var v0 = Avx.LoadVector256(values);
            var v1 = Avx.LoadVector256(values + 8);
            var v2 = Avx.LoadVector256(values + 16);
            var v3 = Avx.LoadVector256(values + 24);
            var largest = Avx.Max(Avx.Max(Avx.And(v0, magnitudeMask), Avx.And(v1, magnitudeMask)), Avx.Max(Avx.And(v2, magnitudeMask), Avx.And(v3, magnitudeMask)));
            var maximum = Vector256.Max(largest, Avx.Permute2x128(largest, largest, 1));
            maximum = Vector256.Max(maximum, Avx.Permute(maximum, 0b01_00_11_10));
            maximum = Vector256.Max(maximum, Avx.Permute(maximum, 0b10_11_00_01));
            var scale = maximum.ToScalar() / 127f;
            scales[block] = scale;
            var inverse = Vector256.Create(scale == 0f ? 0f : 1f / scale);
            var low = Vector256.Narrow(Avx.ConvertToVector256Int32(Avx.Multiply(v0, inverse)), Avx.ConvertToVector256Int32(Avx.Multiply(v1, inverse)));
            var high = Vector256.Narrow(Avx.ConvertToVector256Int32(Avx.Multiply(v2, inverse)), Avx.ConvertToVector256Int32(Avx.Multiply(v3, inverse)));
            Vector256.Narrow(low, high).Store(target + ((long)block * 32));
        }
    }

    /// <summary>Σ over blocks of scaleW·scaleA·Σ w·a, two blocks per iteration in independent accumulators.</summary>
    internal static float Dot(sbyte* weights, float* weightScales, sbyte* activations, float* activationScales, int blocks)
    {
        var sum0 = Vector256<float>.Zero;
        var sum1 = Vector256<float>.Zero;
        var block = 0;
        for (; block + 1 < blocks; block += 2)
        {
            var first = BlockDot(weights + (block * 32), activations + (block * 32));
            var second = BlockDot(weights + ((block + 1) * 32), activations + ((block + 1) * 32));
            sum0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(first), Vector256.Create(weightScales[block] * activationScales[block]), sum0);
            sum1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(second), Vector256.Create(weightScales[block + 1] * activationScales[block + 1]), sum1);
        }
        if (block < blocks)
        {
            var last = BlockDot(weights + (block * 32), activations + (block * 32));
            sum0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(last), Vector256.Create(weightScales[block] * activationScales[block]), sum0);
        }
        return Vector256.Sum(sum0 + sum1);
    }

    /// <summary>Eight int32 partial sums of one 32-value block pair. The sign of w moves onto a (vpsignb) so that the
    /// unsigned×signed instructions see |w| (≤ 127, no saturation) — as llama.cpp does.</summary>
    private static Vector256<int> BlockDot(sbyte* weights, sbyte* activations) => BlockDot(weights, Avx.LoadVector256(activations));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> BlockDot(sbyte* weights, Vector256<sbyte> a)
    {
        var w = Avx.LoadVector256(weights);
        var magnitude = Avx2.Abs(w);
        var signed = Avx2.Sign(a, w);
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, magnitude, signed);
        }
        var pairs = Avx2.MultiplyAddAdjacent(magnitude, signed);
        return Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
    }
}
