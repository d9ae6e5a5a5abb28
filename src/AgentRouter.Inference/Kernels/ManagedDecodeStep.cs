using System.Buffers;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// A whole decode step of one sequence (batch 1, one new token, a <see cref="KvCache"/> without padding, no adapter, CPU
/// float32 weights or their int8 decode copies) in managed loops: embedding row, every layer's norms, projections, q/k
/// norm, clip, RoPE, cache write, attention, experts or dense feed-forward and residual adds, the final norm and the
/// output projection. The module path runs the same kernels but dispatches ~170 libtorch ops per step around them (views,
/// cache appends, residual adds, the rotary gather, the mask bookkeeping), each costing microseconds at these shapes;
/// here a step creates only its logits and router-logit tensors. Same operations as the module path, so results differ
/// only in the order of float32 sums.
/// </summary>
internal static unsafe class ManagedDecodeStep
{
    /// <summary>Whether <see cref="TryRun"/> may take this step; it can still decline (e.g. bf16 weights).</summary>
    public static bool Applies(MoeForCausalLm model, Tensor inputIds, Tensor? attentionMask, IKvCache? cache, LoraAdapter? adapter) =>
        adapter is null && attentionMask is null
        && cache is KvCache { BatchSize: 1, HasPadding: false } kv && kv.Length < kv.Capacity
        && (model.Config.SlidingWindow is not { } window || kv.Length + 1 <= window)
        && DecodeLinear.ManagedKernelsEnabled && SmallBatchGemv.IsSupported && !is_grad_enabled()
        && inputIds.dim() == 2 && inputIds.shape[0] == 1 && inputIds.shape[1] == 1
        && inputIds.dtype == ScalarType.Int64 && inputIds.device_type == TorchSharp.DeviceType.CPU;

    /// <summary>Runs the step (logits [1, 1, V]) or returns null when some weight is not CPU float32 in the expected layout.</summary>
    public static CausalLmOutput? TryRun(MoeForCausalLm model, Tensor inputIds, KvCache cache)
    {
        var config = model.Config;
        var embedding = model.Body.EmbedTokens.weight!;
        var head = model.LanguageModelHeadWeight;
        var token = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(inputIds.bytes)[0];
        if (token < 0 || token >= config.VocabSize || !DecodeStepWeights.IsPlainFloat32(embedding, 2) || embedding.shape[1] != config.HiddenSize
            || !DecodeProjection.TryCreate(head, null, out var outputProjection) || !outputProjection.Is(config.VocabSize, config.HiddenSize)
            || !DecodeStepWeights.Norm(model.Body.FinalNorm, config.HiddenSize, out var finalNorm)
            || !IsPlainCache(cache, config))
        {
            return null;
        }
        var layers = DecodeStepWeights.Collect(model);
        if (layers is null)
        {
            return null;
        }
        var position = cache.Length;
        var (cosTable, sinTable) = model.Body.Rotary.TableFor(model.Device, position + 1);
        var logits = empty(new long[] { 1, 1, config.VocabSize }, ScalarType.Float32);
        var routerLogits = new List<Tensor>();
        var scratch = ArrayPool<float>.Shared.Rent(ScratchLength(config, position + 1));
        try
        {
            fixed (float* scratchValues = scratch)
            {
                var buffers = new Buffers(config, scratchValues);
                new ReadOnlySpan<float>(DecodeStepWeights.Floats(embedding) + (token * config.HiddenSize), config.HiddenSize)
                    .CopyTo(new Span<float>(buffers.Hidden, config.HiddenSize));
                var cos = DecodeStepWeights.Floats(cosTable) + ((long)position * config.HeadDim);
                var sin = DecodeStepWeights.Floats(sinTable) + ((long)position * config.HeadDim);
                for (var layer = 0; layer < layers.Length; layer++)
                {
                    Attention(config, layers[layer], cache, layer, position, cos, sin, buffers);
                    var sparseLogits = FeedForward(config, layers[layer], buffers);
                    if (sparseLogits is not null)
                    {
                        routerLogits.Add(sparseLogits);
                    }
                }
                RmsNorm(buffers.Hidden, (float*)finalNorm, config.HiddenSize, (float)config.RmsNormEps, buffers.Normed);
                outputProjection.Apply(buffers.Normed, DecodeStepWeights.Floats(logits));
            }
        }
        catch
        {
            logits.Dispose();
            routerLogits.ForEach(tensor => tensor.Dispose());
            throw;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
        cache.RecordOneRealToken();
        cache.Advance(1);
        return new CausalLmOutput(logits, routerLogits);
    }

    private static bool IsPlainCache(KvCache cache, MoeModelConfig config)
    {
        for (var layer = 0; layer < config.NumLayers; layer++)
        {
            foreach (var store in new[] { cache.LayerKeys(layer), cache.LayerValues(layer) })
            {
                if (!DecodeStepWeights.IsPlainFloat32(store, 4) || store.shape[1] != config.NumKeyValueHeads || store.shape[3] != config.HeadDim)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static void Attention(MoeModelConfig config, DecodeLayerWeights weights, KvCache cache, int layer, int position, float* cos, float* sin,
        Buffers buffers)
    {
        var (heads, keyValueHeads, headDim) = (config.NumHeads, config.NumKeyValueHeads, config.HeadDim);
        var epsilon = (float)config.RmsNormEps;
        RmsNorm(buffers.Hidden, (float*)weights.InputNorm, config.HiddenSize, epsilon, buffers.Normed);
        weights.Query.Apply(buffers.Normed, buffers.Query);
        weights.Key.Apply(buffers.Normed, buffers.Key);
        weights.Value.Apply(buffers.Normed, buffers.Value);
        var queryWidth = heads * headDim;
        var keyWidth = keyValueHeads * headDim;
        if (config.QueryKeyNorm == QueryKeyNorm.WholeProjection)
        {
            RmsNorm(buffers.Query, (float*)weights.QueryNorm, queryWidth, epsilon, buffers.Query);
            RmsNorm(buffers.Key, (float*)weights.KeyNorm, keyWidth, epsilon, buffers.Key);
        }
        if (config.ClipQkv is { } clip)
        {
            Clamp(buffers.Query, queryWidth, (float)clip);
            Clamp(buffers.Key, keyWidth, (float)clip);
            Clamp(buffers.Value, keyWidth, (float)clip);
        }
        if (config.QueryKeyNorm == QueryKeyNorm.PerHead)
        {
            for (var head = 0; head < heads; head++)
            {
                RmsNorm(buffers.Query + (head * headDim), (float*)weights.QueryNorm, headDim, epsilon, buffers.Query + (head * headDim));
            }
            for (var head = 0; head < keyValueHeads; head++)
            {
                RmsNorm(buffers.Key + (head * headDim), (float*)weights.KeyNorm, headDim, epsilon, buffers.Key + (head * headDim));
            }
        }
        // The cache stores [1, kvHeads, capacity, D] contiguously: this position's rotated keys and values go in place.
        var capacity = (long)cache.Capacity;
        var keyStore = DecodeStepWeights.Floats(cache.LayerKeys(layer));
        var valueStore = DecodeStepWeights.Floats(cache.LayerValues(layer));
        DecodeAttention.Rotate(buffers.Query, cos, sin, heads, headDim, buffers.RotatedQuery);
        for (var head = 0; head < keyValueHeads; head++)
        {
            var row = (head * capacity * headDim) + ((long)position * headDim);
            DecodeAttention.Rotate(buffers.Key + (head * headDim), cos, sin, 1, headDim, keyStore + row);
            new ReadOnlySpan<float>(buffers.Value + (head * headDim), headDim).CopyTo(new Span<float>(valueStore + row, headDim));
        }
        var keyRows = new DecodeAttention.CachedRows(keyStore, capacity * headDim, headDim);
        var valueRows = new DecodeAttention.CachedRows(valueStore, capacity * headDim, headDim);
        DecodeAttention.Attend(buffers.RotatedQuery, keyRows, valueRows, position + 1, heads, keyValueHeads, headDim, buffers.Scores, buffers.Attended);
        weights.Output.Apply(buffers.Attended, buffers.Mixed);
        Add(buffers.Mixed, buffers.Hidden, config.HiddenSize);
    }

    /// <summary>The post-attention norm, the sparse or dense feed-forward and its residual; returns a sparse layer's router logits.</summary>
    private static Tensor? FeedForward(MoeModelConfig config, DecodeLayerWeights weights, Buffers buffers)
    {
        var hiddenSize = config.HiddenSize;
        RmsNorm(buffers.Hidden, (float*)weights.PostAttentionNorm, hiddenSize, (float)config.RmsNormEps, buffers.Normed);
        Tensor? routerLogits = null;
        if (weights.Sparse is { } sparse)
        {
            var expertCount = weights.Router.Rows;
            routerLogits = empty(new long[] { 1, expertCount }, ScalarType.Float32);
            var logits = DecodeStepWeights.Floats(routerLogits);
            weights.Router.Apply(buffers.Normed, logits);
            Span<int> selected = stackalloc int[sparse.ExpertsPerToken];
            Span<float> routing = stackalloc float[sparse.ExpertsPerToken];
            SmallBatchExpertMixer.Route(new ReadOnlySpan<float>(logits, expertCount), sparse.ExpertsPerToken, sparse.Renormalise, selected, routing);
            var experts = weights.Experts;
            SmallBatchExpertMixer.MixSelected(buffers.Normed, 1, hiddenSize, selected, routing, sparse.ExpertsPerToken, expertCount, in experts,
                buffers.FeedForward, buffers.Mixed);
            if (weights.Mlp is { } shared)
            {
                var gate = 0f;
                weights.SharedExpertGate.Apply(buffers.Normed, &gate);
                var sharedOutput = buffers.FeedForward;
                Mlp(shared, buffers.Normed, sharedOutput + hiddenSize, sharedOutput);
                SmallBatchExpertMixer.AddScaled(sharedOutput, 1f / (1f + MathF.Exp(-gate)), buffers.Mixed, hiddenSize);
            }
        }
        else
        {
            Mlp(weights.Mlp!.Value, buffers.Normed, buffers.FeedForward, buffers.Mixed);
        }
        Add(buffers.Mixed, buffers.Hidden, hiddenSize);
        return routerLogits;
    }

    /// <summary>down(silu(gate(x)) · up(x)); <paramref name="scratch"/> holds 3 × the intermediate width.</summary>
    private static void Mlp(in DecodeMlp mlp, float* input, float* scratch, float* output)
    {
        var intermediate = mlp.Gate.Rows;
        mlp.Gate.Apply(input, scratch);
        mlp.Up.Apply(input, scratch + intermediate);
        SmallBatchExpertMixer.SwiGlu(scratch, scratch + intermediate, scratch + (2 * intermediate), intermediate);
        mlp.Down.Apply(scratch + (2 * intermediate), output);
    }

    /// <summary><see cref="SmallBatchRmsNorm"/>'s arithmetic on one row; <paramref name="target"/> may be <paramref name="source"/>.</summary>
    private static void RmsNorm(float* source, float* weight, int width, float epsilon, float* target)
    {
        var meanSquare = SmallBatchGemv.Dot(source, source, width) / width;
        var inverse = 1f / MathF.Sqrt(meanSquare + epsilon);
        for (var index = 0; index < width; index++)
        {
            target[index] = weight[index] * (source[index] * inverse);
        }
    }

    private static void Clamp(float* values, int length, float bound)
    {
        for (var index = 0; index < length; index++)
        {
            values[index] = Math.Clamp(values[index], -bound, bound);
        }
    }

    /// <summary>target += source.</summary>
    private static void Add(float* source, float* target, int length) => SmallBatchExpertMixer.AddScaled(source, 1f, target, length);

    private static int ScratchLength(MoeModelConfig config, int length)
    {
        var queryWidth = config.NumHeads * config.HeadDim;
        var keyWidth = config.NumKeyValueHeads * config.HeadDim;
        var widest = Math.Max(Math.Max(config.DenseIntermediateSize, config.SharedExpertIntermediateSize), config.ExpertIntermediateSize);
        var feedForward = (2 * config.HiddenSize) + (3 * widest) + config.HiddenSize;
        return (3 * config.HiddenSize) + (3 * queryWidth) + (2 * keyWidth) + (length * Math.Max(1, config.NumHeads / config.NumKeyValueHeads)) + feedForward;
    }

    /// <summary>The step's float32 working rows, carved out of one rented array.</summary>
    private sealed class Buffers
    {
        public Buffers(MoeModelConfig config, float* scratch)
        {
            var queryWidth = config.NumHeads * config.HeadDim;
            var keyWidth = config.NumKeyValueHeads * config.HeadDim;
            Hidden = scratch;
            Normed = Hidden + config.HiddenSize;
            Mixed = Normed + config.HiddenSize;
            Query = Mixed + config.HiddenSize;
            RotatedQuery = Query + queryWidth;
            Attended = RotatedQuery + queryWidth;
            Key = Attended + queryWidth;
            Value = Key + keyWidth;
            FeedForward = Value + keyWidth;
            var widest = Math.Max(Math.Max(config.DenseIntermediateSize, config.SharedExpertIntermediateSize), config.ExpertIntermediateSize);
            Scores = FeedForward + (2 * config.HiddenSize) + (3 * widest) + config.HiddenSize;
        }

        public float* Hidden { get; }

        public float* Normed { get; }

        public float* Mixed { get; }

        public float* Query { get; }

        public float* RotatedQuery { get; }

        public float* Attended { get; }

        public float* Key { get; }

        public float* Value { get; }

        /// <summary>Expert / MLP scratch: 2 · hidden + 3 · the widest intermediate, plus one hidden row.</summary>
        public float* FeedForward { get; }

        /// <summary>Attention scores: the cached length × query heads per KV head.</summary>
        public float* Scores { get; }
    }
}
