using System.Buffers;
using System.Runtime.Intrinsics;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// The routed part of a sparse-MoE block for at most <see cref="DecodeLinear.MaxRows"/> tokens, computed on
/// the CPU without libtorch dispatch: router logits, float32 softmax, top-k (renormalised where asked),
/// then each selected expert once on its own tokens straight from the fused weights
/// (<c>gate_up_proj [E, 2I, H]</c>, <c>down_proj [E, H, I]</c>), summed with the routing weights in
/// expert order. Same arithmetic as <see cref="GroupedExpertDispatch"/>; no sort, bincount, gather or
/// weight copy, and each selected expert's weights are read once per step.
/// </summary>
internal static unsafe class SmallBatchExpertMixer
{
    public static bool Applies(Tensor tokens, Tensor routerWeight, FusedExperts experts) =>
        tokens.dim() == 2
        && DecodeLinear.Applies(tokens, routerWeight)
        && DecodeLinear.IsManagedDType(tokens, experts.GateUpProjection) && experts.GateUpProjection.is_contiguous()
        && DecodeLinear.IsManagedDType(tokens, experts.DownProjection) && experts.DownProjection.is_contiguous();

    /// <param name="tokens">[N, H], N ≤ <see cref="DecodeLinear.MaxRows"/>.</param>
    /// <returns>The mixed output [N, H] and the router logits [N, E].</returns>
    public static (Tensor Output, Tensor RouterLogits) Forward(Tensor tokens, Tensor routerWeight, FusedExperts experts, int expertsPerToken, bool renormalise)
    {
        var tokenCount = (int)tokens.shape[0];
        var hiddenSize = (int)tokens.shape[1];
        var expertCount = (int)routerWeight.shape[0];
        var intermediate = (int)experts.IntermediateSize;
        // bf16 (weights and activations): tokens are widened to float32, every product accumulates in float32, and the
        // router logits and the output are rounded to bf16 once (libtorch rounds after each op; routing sees bf16 logits either way).
        var bfloat16 = tokens.dtype == ScalarType.BFloat16;
        var routerLogits = empty(new long[] { tokenCount, expertCount }, tokens.dtype, tokens.device);
        var output = empty(new long[] { tokenCount, hiddenSize }, tokens.dtype, tokens.device);
        var selected = new int[tokenCount * expertsPerToken];
        var weights = new float[tokenCount * expertsPerToken];
        var pool = ArrayPool<float>.Shared;
        var wideLength = bfloat16 ? (2 * tokenCount * hiddenSize) + (tokenCount * expertCount) : 0;
        var scratch = pool.Rent((tokenCount * ((2 * hiddenSize) + (3 * intermediate))) + wideLength);
        // A copy only when the rows are strided; a contiguous input is read in place (one tensor fewer per call).
        using var contiguousTokensCopy = tokens.is_contiguous() ? null : tokens.contiguous();
        var contiguousTokens = contiguousTokensCopy ?? tokens;
        try
        {
            fixed (byte* tokenBytes = contiguousTokens.bytes)
            fixed (byte* routerBytes = routerWeight.bytes)
            fixed (byte* logitBytes = routerLogits.bytes)
            fixed (byte* outputBytes = output.bytes)
            fixed (byte* gateUpBytes = experts.GateUpProjection.bytes)
            fixed (byte* downBytes = experts.DownProjection.bytes)
            fixed (float* scratchValues = scratch)
            {
                var input = (float*)tokenBytes;
                var logits = (float*)logitBytes;
                var mixed = (float*)outputBytes;
                var wide = scratchValues + (tokenCount * ((2 * hiddenSize) + (3 * intermediate)));
                if (bfloat16)
                {
                    input = wide;
                    mixed = input + (tokenCount * hiddenSize);
                    logits = mixed + (tokenCount * hiddenSize);
                    BFloat16Bits.Widen((ushort*)tokenBytes, input, tokenCount * hiddenSize);
                }
                SmallBatchGemv.Multiply(input, tokenCount, routerBytes, bfloat16, 0, expertCount, hiddenSize, null, logits);
                if (bfloat16)
                {
                    BFloat16Bits.Narrow(logits, (ushort*)logitBytes, tokenCount * expertCount);
                    BFloat16Bits.Widen((ushort*)logitBytes, logits, tokenCount * expertCount);
                }
                for (var token = 0; token < tokenCount; token++)
                {
                    Route(new ReadOnlySpan<float>(logits + ((long)token * expertCount), expertCount), expertsPerToken, renormalise,
                        selected.AsSpan(token * expertsPerToken, expertsPerToken), weights.AsSpan(token * expertsPerToken, expertsPerToken));
                }
                MixSelected(input, tokenCount, hiddenSize, selected, weights, expertsPerToken, expertCount,
                    new ExpertWeights(experts, gateUpBytes, downBytes, bfloat16), scratchValues, mixed);
                if (bfloat16)
                {
                    BFloat16Bits.Narrow(mixed, (ushort*)outputBytes, tokenCount * hiddenSize);
                }
            }
        }
        finally
        {
            pool.Return(scratch);
        }
        return (output, routerLogits);
    }

    /// <summary>One layer's fused expert weights as the kernels read them, with their int8 decode copies where the model
    /// was quantised (<see cref="Int8DecodeWeights"/>).</summary>
    internal readonly struct ExpertWeights
    {
        public ExpertWeights(FusedExperts experts, byte* gateUp, byte* down, bool bfloat16)
        {
            GateUp = gateUp;
            Down = down;
            BFloat16 = bfloat16;
            Intermediate = (int)experts.IntermediateSize;
            GateUpInt8 = Int8BlockMatrix.KernelSupported && Int8DecodeWeights.TryGet(experts.GateUpProjection, out var gateUpCopy) ? gateUpCopy : null;
            DownInt8 = Int8BlockMatrix.KernelSupported && Int8DecodeWeights.TryGet(experts.DownProjection, out var downCopy) ? downCopy : null;
        }

        public byte* GateUp { get; }

        public byte* Down { get; }

        public bool BFloat16 { get; }

        public int Intermediate { get; }

        public Int8DecodeWeight? GateUpInt8 { get; }

        public Int8DecodeWeight? DownInt8 { get; }
    }

    /// <summary>Adds each selected expert's output on its tokens, times its routing weight, to <paramref name="mixed"/>
    /// (cleared first), expert by expert.</summary>
    /// <param name="input">[tokenCount, hiddenSize] float32.</param>
    /// <param name="scratch">At least tokenCount · (2 · hiddenSize + 3 · intermediate) floats.</param>
    /// <param name="mixed">[tokenCount, hiddenSize] float32, overwritten.</param>
    internal static void MixSelected(float* input, int tokenCount, int hiddenSize, ReadOnlySpan<int> selected, ReadOnlySpan<float> weights, int expertsPerToken,
        int expertCount, in ExpertWeights experts, float* scratch, float* mixed)
    {
        var intermediate = experts.Intermediate;
        new Span<float>(mixed, tokenCount * hiddenSize).Clear();
        var gathered = scratch;
        var gateUp = gathered + (tokenCount * hiddenSize);
        var activated = gateUp + (tokenCount * 2 * intermediate);
        var down = activated + (tokenCount * intermediate);
        Span<int> members = stackalloc int[tokenCount];
        Span<float> memberWeights = stackalloc float[tokenCount];
        for (var expert = 0; expert < expertCount; expert++)
        {
            var count = 0;
            for (var assignment = 0; assignment < selected.Length; assignment++)
            {
                if (selected[assignment] == expert)
                {
                    members[count] = assignment / expertsPerToken;
                    memberWeights[count] = weights[assignment];
                    count++;
                }
            }
            if (count == 0)
            {
                continue;
            }
            for (var member = 0; member < count; member++)
            {
                new ReadOnlySpan<float>(input + ((long)members[member] * hiddenSize), hiddenSize)
                    .CopyTo(new Span<float>(gathered + ((long)member * hiddenSize), hiddenSize));
            }
            if (experts.GateUpInt8 is { } gateUpInt8)
            {
                Int8Gemv.Multiply(gathered, count, gateUpInt8.Matrix, gateUpInt8.Activations, expert * 2 * intermediate, 2 * intermediate, null, gateUp);
            }
            else
            {
                SmallBatchGemv.Multiply(gathered, count, experts.GateUp, experts.BFloat16, (long)expert * 2 * intermediate * hiddenSize, 2 * intermediate, hiddenSize, null, gateUp);
            }
            for (var member = 0; member < count; member++)
            {
                SwiGlu(gateUp + ((long)member * 2 * intermediate), gateUp + ((long)member * 2 * intermediate) + intermediate, activated + ((long)member * intermediate), intermediate);
            }
            if (experts.DownInt8 is { } downInt8)
            {
                Int8Gemv.Multiply(activated, count, downInt8.Matrix, downInt8.Activations, expert * hiddenSize, hiddenSize, null, down);
            }
            else
            {
                SmallBatchGemv.Multiply(activated, count, experts.Down, experts.BFloat16, (long)expert * hiddenSize * intermediate, hiddenSize, intermediate, null, down);
            }
            for (var member = 0; member < count; member++)
            {
                AddScaled(down + ((long)member * hiddenSize), memberWeights[member], mixed + ((long)members[member] * hiddenSize), hiddenSize);
            }
        }
    }

    /// <summary>target += weight · source over <paramref name="length"/> floats, eight at a time.</summary>
    internal static void AddScaled(float* source, float weight, float* target, int length)
    {
        var index = 0;
        for (; index <= length - 8; index += 8)
        {
            (Vector256.Load(target + index) + (Vector256.Load(source + index) * Vector256.Create(weight))).Store(target + index);
        }
        for (; index < length; index++)
        {
            target[index] += source[index] * weight;
        }
    }

    /// <summary>silu(gate) · up for one row, eight at a time (Vector256.Exp is within an ulp or two of MathF.Exp).</summary>
    internal static void SwiGlu(float* gateRow, float* upRow, float* activatedRow, int intermediate)
    {
        var index = 0;
        for (; index <= intermediate - 8; index += 8)
        {
            var gate = Vector256.Load(gateRow + index);
            var sigmoidDenominator = Vector256<float>.One + Vector256.Exp(-gate);
            (gate / sigmoidDenominator * Vector256.Load(upRow + index)).Store(activatedRow + index);
        }
        for (; index < intermediate; index++)
        {
            var gate = gateRow[index];
            activatedRow[index] = gate / (1f + MathF.Exp(-gate)) * upRow[index];
        }
    }

    /// <summary>softmax in float32, the k largest (lower expert index first on ties), renormalised to sum 1 when asked.</summary>
    internal static void Route(ReadOnlySpan<float> logits, int expertsPerToken, bool renormalise, Span<int> selected, Span<float> weights)
    {
        var maximum = float.NegativeInfinity;
        foreach (var logit in logits)
        {
            maximum = MathF.Max(maximum, logit);
        }
        Span<float> probabilities = stackalloc float[logits.Length];
        var total = 0f;
        for (var expert = 0; expert < logits.Length; expert++)
        {
            probabilities[expert] = MathF.Exp(logits[expert] - maximum);
            total += probabilities[expert];
        }
        for (var expert = 0; expert < logits.Length; expert++)
        {
            probabilities[expert] /= total;
        }
        var chosenTotal = 0f;
        for (var slot = 0; slot < expertsPerToken; slot++)
        {
            var best = -1;
            for (var expert = 0; expert < logits.Length; expert++)
            {
                if (probabilities[expert] >= 0 && (best < 0 || probabilities[expert] > probabilities[best]))
                {
                    best = expert;
                }
            }
            if (best < 0)
            {
                // Every probability is NaN: a non-finite logit (softmax of NaN or of +∞ − +∞).
                throw new Generation.NonFiniteValuesException("the expert router's logits");
            }
            selected[slot] = best;
            weights[slot] = probabilities[best];
            chosenTotal += probabilities[best];
            probabilities[best] = -1f;
        }
        if (renormalise)
        {
            for (var slot = 0; slot < expertsPerToken; slot++)
            {
                weights[slot] /= chosenTotal;
            }
        }
    }
}
