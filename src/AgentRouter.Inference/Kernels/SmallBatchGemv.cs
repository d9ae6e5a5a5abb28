using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// <c>output[m, n] = Σ_k input[m, k] · weight[n, k] (+ bias[n])</c> for a handful of input rows, reading
/// each weight row once for all of them. Decoding a few tokens is a matrix–vector product bounded by how
/// fast the weights stream from memory; libtorch 2.10's CPU kernel for these shapes (rows of 512–1024
/// floats, 1–17 MB matrices) streams at about a third of what this loop reaches on the 2-core machine
/// (`bench moe --profile`, docs/benchmarks/moe-inference.md), so the single-token decode path uses it.
/// </summary>
internal static unsafe class SmallBatchGemv
{
    /// <summary>Whether 256-bit vectors run in hardware; otherwise callers keep libtorch's kernels.</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <param name="input">[rows, inFeatures], row-major.</param>
    /// <param name="weight">[outFeatures, inFeatures], row-major (the nn.Linear layout).</param>
    /// <param name="bias">[outFeatures] or null.</param>
    /// <param name="output">[rows, outFeatures], row-major; overwritten.</param>
    public static void Multiply(float* input, int rows, float* weight, int outFeatures, int inFeatures, float* bias, float* output) =>
        Multiply<float, Float32Weights>(input, rows, weight, outFeatures, inFeatures, bias, output);

    /// <summary><see cref="Multiply(float*, int, float*, int, int, float*, float*)"/> with bf16 weights widened on the fly
    /// (float32 accumulation): half the weight bytes to stream.</summary>
    public static void MultiplyBFloat16(float* input, int rows, ushort* weight, int outFeatures, int inFeatures, float* bias, float* output) =>
        Multiply<ushort, BFloat16Weights>(input, rows, weight, outFeatures, inFeatures, bias, output);

    /// <summary>Σ a[i]·b[i] with four independent vector accumulators (the loads, not the FMAs, are the limit).</summary>
    public static float Dot(float* a, float* b, int length) => Dot<float, Float32Weights>(a, b, length);

    /// <summary>Σ a[i]·b[i] for bf16 <paramref name="a"/>.</summary>
    public static float DotBFloat16(ushort* a, float* b, int length) => Dot<ushort, BFloat16Weights>(a, b, length);

    // One loop for both weight types: TReader is a struct, so the JIT compiles each instantiation on its own with the
    // reader's loads inlined, the same code the two hand-written copies were. The feature rows are shared with the decode
    // helper thread where the engine runs two or more threads (DecodeWorker).
    private static void Multiply<TWeight, TReader>(float* input, int rows, TWeight* weight, int outFeatures, int inFeatures, float* bias,
        float* output)
        where TWeight : unmanaged
        where TReader : struct, IWeightReader<TWeight>
    {
        var job = new Job(input, rows, weight, outFeatures, inFeatures, bias, output);
        DecodeWorker.For(outFeatures, (long)outFeatures * inFeatures * sizeof(TWeight), &MultiplyFeatures<TWeight, TReader>, &job);
    }

    /// <summary>One product's operands, for <see cref="DecodeWorker"/>'s chunks.</summary>
    private readonly struct Job(float* input, int rows, void* weight, int outFeatures, int inFeatures, float* bias, float* output)
    {
        public readonly float* Input = input;
        public readonly int Rows = rows;
        public readonly void* Weight = weight;
        public readonly int OutFeatures = outFeatures;
        public readonly int InFeatures = inFeatures;
        public readonly float* Bias = bias;
        public readonly float* Output = output;
    }

    // Four rows a quarter of the range apart are read side by side: each is its own hardware-prefetch stream, and four
    // streams in distant places read from DRAM faster than one (the lm_head [151936, 1024]: 29–32 GB/s one row at a time,
    // 34–35 GB/s four apart; docs/benchmarks/llamacpp.md). Each row's sum keeps the one-row order, so results are bit
    // for bit those of a row at a time.
    private static void MultiplyFeatures<TWeight, TReader>(void* argument, int firstFeature, int endFeature)
        where TWeight : unmanaged
        where TReader : struct, IWeightReader<TWeight>
    {
        var job = (Job*)argument;
        var input = job->Input;
        var bias = job->Bias;
        var output = job->Output;
        var (rows, outFeatures, inFeatures) = (job->Rows, job->OutFeatures, job->InFeatures);
        var weight = (TWeight*)job->Weight;
        var quarter = (endFeature - firstFeature) / 4;
        var stride = (long)quarter * inFeatures;
        for (var index = 0; index < quarter; index++)
        {
            var feature = firstFeature + index;
            var weightRow = weight + ((long)feature * inFeatures);
            for (var row = 0; row < rows; row++)
            {
                var (sum0, sum1, sum2, sum3) = Dot4<TWeight, TReader>(weightRow, stride, input + ((long)row * inFeatures), inFeatures);
                var outputRow = output + ((long)row * outFeatures);
                outputRow[feature] = sum0 + (bias is null ? 0f : bias[feature]);
                outputRow[feature + quarter] = sum1 + (bias is null ? 0f : bias[feature + quarter]);
                outputRow[feature + (2 * quarter)] = sum2 + (bias is null ? 0f : bias[feature + (2 * quarter)]);
                outputRow[feature + (3 * quarter)] = sum3 + (bias is null ? 0f : bias[feature + (3 * quarter)]);
            }
        }
        for (var feature = firstFeature + (4 * quarter); feature < endFeature; feature++)
        {
            var weightRow = weight + ((long)feature * inFeatures);
            var offset = bias is null ? 0f : bias[feature];
            for (var row = 0; row < rows; row++)
            {
                output[((long)row * outFeatures) + feature] = Dot<TWeight, TReader>(weightRow, input + ((long)row * inFeatures), inFeatures) + offset;
            }
        }
    }

    /// <summary><see cref="Dot{TWeight, TReader}"/> of one input row with four weight rows <paramref name="stride"/> elements
    /// apart, each summed in exactly that method's order.</summary>
    private static (float, float, float, float) Dot4<TWeight, TReader>(TWeight* a, long stride, float* b, int length)
        where TWeight : unmanaged
        where TReader : struct, IWeightReader<TWeight>
    {
        var a0 = a;
        var a1 = a + stride;
        var a2 = a1 + stride;
        var a3 = a2 + stride;
        var index = 0;
        Accumulators first = default, second = default, third = default, fourth = default;
        for (; index <= length - 32; index += 32)
        {
            var (x0, x1, x2, x3) = (Vector256.Load(b + index), Vector256.Load(b + index + 8), Vector256.Load(b + index + 16), Vector256.Load(b + index + 24));
            first.Add<TWeight, TReader>(a0 + index, x0, x1, x2, x3);
            second.Add<TWeight, TReader>(a1 + index, x0, x1, x2, x3);
            third.Add<TWeight, TReader>(a2 + index, x0, x1, x2, x3);
            fourth.Add<TWeight, TReader>(a3 + index, x0, x1, x2, x3);
        }
        var tail = index;
        return (first.Finish<TWeight, TReader>(a0, b, tail, length), second.Finish<TWeight, TReader>(a1, b, tail, length),
            third.Finish<TWeight, TReader>(a2, b, tail, length), fourth.Finish<TWeight, TReader>(a3, b, tail, length));
    }

    /// <summary>One row's four accumulators of <see cref="Dot{TWeight, TReader}"/>.</summary>
    private struct Accumulators
    {
        private Vector256<float> _sum0;
        private Vector256<float> _sum1;
        private Vector256<float> _sum2;
        private Vector256<float> _sum3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add<TWeight, TReader>(TWeight* a, Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3)
            where TWeight : unmanaged
            where TReader : struct, IWeightReader<TWeight>
        {
            _sum0 = MultiplyAdd(TReader.Load8(a), x0, _sum0);
            _sum1 = MultiplyAdd(TReader.Load8(a + 8), x1, _sum1);
            _sum2 = MultiplyAdd(TReader.Load8(a + 16), x2, _sum2);
            _sum3 = MultiplyAdd(TReader.Load8(a + 24), x3, _sum3);
        }

        /// <summary>The eight-wide and scalar tails from <paramref name="index"/>, then the same reduction as the one-row dot.</summary>
        public readonly float Finish<TWeight, TReader>(TWeight* a, float* b, int index, int length)
            where TWeight : unmanaged
            where TReader : struct, IWeightReader<TWeight>
        {
            var sum0 = _sum0;
            for (; index <= length - 8; index += 8)
            {
                sum0 = MultiplyAdd(TReader.Load8(a + index), Vector256.Load(b + index), sum0);
            }
            var total = Vector256.Sum((sum0 + _sum1) + (_sum2 + _sum3));
            for (; index < length; index++)
            {
                total += TReader.ToSingle(a[index]) * b[index];
            }
            return total;
        }
    }

    private static float Dot<TWeight, TReader>(TWeight* a, float* b, int length)
        where TWeight : unmanaged
        where TReader : struct, IWeightReader<TWeight>
    {
        var index = 0;
        var sum0 = Vector256<float>.Zero;
        var sum1 = Vector256<float>.Zero;
        var sum2 = Vector256<float>.Zero;
        var sum3 = Vector256<float>.Zero;
        for (; index <= length - 32; index += 32)
        {
            sum0 = MultiplyAdd(TReader.Load8(a + index), Vector256.Load(b + index), sum0);
            sum1 = MultiplyAdd(TReader.Load8(a + index + 8), Vector256.Load(b + index + 8), sum1);
            sum2 = MultiplyAdd(TReader.Load8(a + index + 16), Vector256.Load(b + index + 16), sum2);
            sum3 = MultiplyAdd(TReader.Load8(a + index + 24), Vector256.Load(b + index + 24), sum3);
        }
        for (; index <= length - 8; index += 8)
        {
            sum0 = MultiplyAdd(TReader.Load8(a + index), Vector256.Load(b + index), sum0);
        }
        var total = Vector256.Sum((sum0 + sum1) + (sum2 + sum3));
        for (; index < length; index++)
        {
            total += TReader.ToSingle(a[index]) * b[index];
        }
        return total;
    }

    /// <summary>How a weight element becomes float32: eight at a time for the vector loop, one at a time for the tail.</summary>
    private interface IWeightReader<TWeight>
        where TWeight : unmanaged
    {
        static abstract Vector256<float> Load8(TWeight* source);

        static abstract float ToSingle(TWeight value);
    }

    private readonly struct Float32Weights : IWeightReader<float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load8(float* source) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float ToSingle(float value) => value;
    }

    private readonly struct BFloat16Weights : IWeightReader<ushort>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load8(ushort* source) => BFloat16Bits.Load8(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float ToSingle(ushort value) => BFloat16Bits.ToSingle(value);
    }

    /// <summary>Dispatches on the weights' element type: float32 or bf16 (the only two the decode kernels take).</summary>
    public static void Multiply(float* input, int rows, byte* weight, bool weightIsBFloat16, long weightElementOffset, int outFeatures, int inFeatures,
        float* bias, float* output)
    {
        if (weightIsBFloat16)
        {
            MultiplyBFloat16(input, rows, (ushort*)weight + weightElementOffset, outFeatures, inFeatures, bias, output);
        }
        else
        {
            Multiply(input, rows, (float*)weight + weightElementOffset, outFeatures, inFeatures, bias, output);
        }
    }

    private static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Fma.IsSupported ? Fma.MultiplyAdd(left, right, addend) : (left * right) + addend;
}
