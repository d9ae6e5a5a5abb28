using System.Buffers;
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

    private static void MultiplyFeaturesFloat(void* argument, int firstFeature, int endFeature)
    {
        var job = (Job*)argument;
        for (var feature = firstFeature; feature < endFeature; feature++)
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
        for (var feature = firstFeature; feature < endFeature; feature++)
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
    private static Vector256<int> BlockDot(sbyte* weights, sbyte* activations)
    {
        var w = Avx.LoadVector256(weights);
        var a = Avx.LoadVector256(activations);
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
