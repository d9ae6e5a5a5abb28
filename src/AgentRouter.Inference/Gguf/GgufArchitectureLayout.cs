using AgentRouter.Inference.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Gguf;

/// <summary>How one architecture maps onto llama.cpp: its architecture name, hyper-parameter keys and tensor names.
/// Configs llama.cpp's graph cannot reproduce are refused here, naming the config.json field.</summary>
internal sealed class GgufArchitectureLayout
{
    private readonly MoeModelConfig _config;

    private GgufArchitectureLayout(MoeModelConfig config, string name, bool rotaryPairsInterleaved)
    {
        _config = config;
        Name = name;
        RotaryPairsInterleaved = rotaryPairsInterleaved;
    }

    /// <summary>llama.cpp's <c>general.architecture</c>.</summary>
    public string Name { get; }

    /// <summary>True where llama.cpp rotates adjacent pairs (rope type NORM: the llama family), so q/k rows are
    /// permuted back from Hugging Face's rotate-half order as the converter does; false for NEOX-rope families.</summary>
    public bool RotaryPairsInterleaved { get; }

    public static GgufArchitectureLayout For(MoeModelConfig config, string configPath)
    {
        void Refuse(string field, string why) => throw new GgufFormatException(configPath, $"{field}: {why}");

        if (config.SlidingWindow is { } window && window < config.MaxPositionEmbeddings)
        {
            Refuse("sliding_window", $"a window of {window} < max_position_embeddings {config.MaxPositionEmbeddings} is not expressed by the exported architecture's llama.cpp graph");
        }
        if (config.ClipQkv is not null)
        {
            Refuse("clip_qkv", "llama.cpp's graph for this architecture does not clamp q/k/v");
        }
        if (config.NumExperts > 0 && (config.DecoderSparseStep != 1 || config.MlpOnlyLayers.Count > 0))
        {
            Refuse(config.DecoderSparseStep != 1 ? "decoder_sparse_step" : "mlp_only_layers", "llama.cpp's MoE graphs make every layer sparse");
        }
        switch (config.Architecture)
        {
            case ModelArchitecture.Mixtral or ModelArchitecture.Llama or ModelArchitecture.Mistral:
                if (config.QkvBias || config.OutputProjectionBias)
                {
                    Refuse("attention_bias", "the exported 'llama' architecture is written without attention biases");
                }
                return new GgufArchitectureLayout(config, "llama", rotaryPairsInterleaved: true);
            case ModelArchitecture.Qwen3Moe:
                if (!config.NormTopKProbabilities)
                {
                    Refuse("norm_topk_prob", "llama.cpp's qwen3moe always renormalises the top-k routing weights, so false cannot match");
                }
                if (config.QkvBias)
                {
                    Refuse("attention_bias", "llama.cpp's qwen3moe has no attention biases");
                }
                return new GgufArchitectureLayout(config, "qwen3moe", rotaryPairsInterleaved: false);
            case ModelArchitecture.Qwen2Moe:
                if (config.NormTopKProbabilities)
                {
                    Refuse("norm_topk_prob", "llama.cpp's qwen2moe never renormalises the top-k routing weights, so true cannot match");
                }
                return new GgufArchitectureLayout(config, "qwen2moe", rotaryPairsInterleaved: false);
            case ModelArchitecture.Olmoe:
                if (config.NormTopKProbabilities)
                {
                    Refuse("norm_topk_prob", "llama.cpp's olmoe never renormalises the top-k routing weights, so true cannot match");
                }
                if (config.QkvBias)
                {
                    Refuse("attention_bias", "llama.cpp's olmoe has no attention biases");
                }
                if (config.NumKeyValueHeads != config.NumHeads || config.NumHeads * config.HeadDim != config.HiddenSize)
                {
                    Refuse("num_key_value_heads", "llama.cpp's olmoe needs num_key_value_heads = num_attention_heads and heads x head_dim = hidden_size (its q/k norms span hidden_size)");
                }
                if (config.TieWordEmbeddings)
                {
                    Refuse("tie_word_embeddings", "llama.cpp's olmoe needs its own output matrix");
                }
                return new GgufArchitectureLayout(config, "olmoe", rotaryPairsInterleaved: false);
            default:
                throw new GgufFormatException(configPath, $"model_type: {config.Architecture} has no GGUF export");
        }
    }

    public void AddHyperParameters(GgufMetadata metadata)
    {
        var c = _config;
        var prefix = Name;
        metadata.Set($"{prefix}.context_length", (uint)c.MaxPositionEmbeddings);
        metadata.Set($"{prefix}.embedding_length", (uint)c.HiddenSize);
        metadata.Set($"{prefix}.block_count", (uint)c.NumLayers);
        // The llama family sizes its expert tensors by feed_forward_length; the Qwen families by expert_feed_forward_length.
        var feedForward = Name == "llama" || c.DenseIntermediateSize == 0 ? Math.Max(c.ExpertIntermediateSize, c.DenseIntermediateSize) : c.DenseIntermediateSize;
        metadata.Set($"{prefix}.feed_forward_length", (uint)feedForward);
        metadata.Set($"{prefix}.attention.head_count", (uint)c.NumHeads);
        metadata.Set($"{prefix}.attention.head_count_kv", (uint)c.NumKeyValueHeads);
        metadata.Set($"{prefix}.attention.key_length", (uint)c.HeadDim);
        metadata.Set($"{prefix}.attention.value_length", (uint)c.HeadDim);
        metadata.Set($"{prefix}.rope.dimension_count", (uint)c.HeadDim);
        metadata.Set($"{prefix}.rope.freq_base", (float)c.RopeTheta);
        metadata.Set($"{prefix}.attention.layer_norm_rms_epsilon", (float)c.RmsNormEps);
        if (c.NumExperts > 0)
        {
            metadata.Set($"{prefix}.expert_count", (uint)c.NumExperts);
            metadata.Set($"{prefix}.expert_used_count", (uint)c.ExpertsPerToken);
            if (Name != "llama")
            {
                metadata.Set($"{prefix}.expert_feed_forward_length", (uint)c.ExpertIntermediateSize);
            }
            if (c.SharedExpertIntermediateSize > 0)
            {
                metadata.Set($"{prefix}.expert_shared_feed_forward_length", (uint)c.SharedExpertIntermediateSize);
            }
        }
    }

    public IEnumerable<GgufTensor> Tensors(IReadOnlyDictionary<string, Tensor> parameters, GgufExportType exportType)
    {
        var c = _config;
        Tensor P(string name) => parameters.TryGetValue(name, out var tensor)
            ? tensor
            : throw new InvalidOperationException($"the loaded model has no parameter '{name}'");
        GgufTensor Matrix(string name, Func<Tensor> select, IReadOnlyList<long> shape) =>
            new(name, shape, MatrixTypeFor(exportType, shape[^1]), GgufExporter.ValuesOf(select));
        GgufTensor Float(string name, Func<Tensor> select, IReadOnlyList<long> shape) =>
            new(name, shape, GgmlType.F32, GgufExporter.ValuesOf(select));

        yield return Matrix("token_embd.weight", () => P("model.embed_tokens.weight"), [c.VocabSize, c.HiddenSize]);
        for (var layer = 0; layer < c.NumLayers; layer++)
        {
            var hf = $"model.layers.{layer}.";
            var gg = $"blk.{layer}.";
            var queryWidth = (long)c.NumHeads * c.HeadDim;
            var keyWidth = (long)c.NumKeyValueHeads * c.HeadDim;
            yield return Float(gg + "attn_norm.weight", () => P(hf + "input_layernorm.weight"), [c.HiddenSize]);
            yield return Matrix(gg + "attn_q.weight", () => Rotary(P(hf + "self_attn.q_proj.weight"), c.NumHeads), [queryWidth, c.HiddenSize]);
            yield return Matrix(gg + "attn_k.weight", () => Rotary(P(hf + "self_attn.k_proj.weight"), c.NumKeyValueHeads), [keyWidth, c.HiddenSize]);
            yield return Matrix(gg + "attn_v.weight", () => P(hf + "self_attn.v_proj.weight"), [keyWidth, c.HiddenSize]);
            yield return Matrix(gg + "attn_output.weight", () => P(hf + "self_attn.o_proj.weight"), [c.HiddenSize, queryWidth]);
            if (c.QkvBias)
            {
                yield return Float(gg + "attn_q.bias", () => P(hf + "self_attn.q_proj.bias"), [queryWidth]);
                yield return Float(gg + "attn_k.bias", () => P(hf + "self_attn.k_proj.bias"), [keyWidth]);
                yield return Float(gg + "attn_v.bias", () => P(hf + "self_attn.v_proj.bias"), [keyWidth]);
            }
            if (c.OutputProjectionBias)
            {
                yield return Float(gg + "attn_output.bias", () => P(hf + "self_attn.o_proj.bias"), [c.HiddenSize]);
            }
            switch (c.QueryKeyNorm)
            {
                case QueryKeyNorm.PerHead:
                    yield return Float(gg + "attn_q_norm.weight", () => P(hf + "self_attn.q_norm.weight"), [c.HeadDim]);
                    yield return Float(gg + "attn_k_norm.weight", () => P(hf + "self_attn.k_norm.weight"), [c.HeadDim]);
                    break;
                case QueryKeyNorm.WholeProjection:
                    yield return Float(gg + "attn_q_norm.weight", () => P(hf + "self_attn.q_norm.weight"), [queryWidth]);
                    yield return Float(gg + "attn_k_norm.weight", () => P(hf + "self_attn.k_norm.weight"), [keyWidth]);
                    break;
            }
            yield return Float(gg + "ffn_norm.weight", () => P(hf + "post_attention_layernorm.weight"), [c.HiddenSize]);
            foreach (var tensor in c.IsSparseLayer(layer) ? SparseMlp(hf, gg, P, Matrix, Float) : DenseMlp(hf, gg, P, Matrix))
            {
                yield return tensor;
            }
        }
        yield return Float("output_norm.weight", () => P("model.norm.weight"), [c.HiddenSize]);
        if (!c.TieWordEmbeddings)
        {
            yield return Matrix("output.weight", () => P("lm_head.weight"), [c.VocabSize, c.HiddenSize]);
        }
    }

    private IEnumerable<GgufTensor> SparseMlp(string hf, string gg, Func<string, Tensor> p,
        Func<string, Func<Tensor>, IReadOnlyList<long>, GgufTensor> matrix, Func<string, Func<Tensor>, IReadOnlyList<long>, GgufTensor> single)
    {
        var c = _config;
        long experts = c.NumExperts, width = c.ExpertIntermediateSize, hidden = c.HiddenSize;
        // The router stays float32 whatever the export type, as llama.cpp's converter keeps ffn_gate_inp.
        yield return single(gg + "ffn_gate_inp.weight", () => p(hf + "mlp.gate.weight"), [experts, hidden]);
        // The engine fuses gate and up as [E, 2I, H] (gate first); llama.cpp stores them as two [E, I, H] stacks.
        yield return matrix(gg + "ffn_gate_exps.weight", () => p(hf + "mlp.experts.gate_up_proj").narrow(1, 0, width), [experts, width, hidden]);
        yield return matrix(gg + "ffn_up_exps.weight", () => p(hf + "mlp.experts.gate_up_proj").narrow(1, width, width), [experts, width, hidden]);
        yield return matrix(gg + "ffn_down_exps.weight", () => p(hf + "mlp.experts.down_proj"), [experts, hidden, width]);
        if (c.SharedExpertIntermediateSize > 0)
        {
            long shared = c.SharedExpertIntermediateSize;
            yield return single(gg + "ffn_gate_inp_shexp.weight", () => p(hf + "mlp.shared_expert_gate.weight").reshape(hidden), [hidden]);
            yield return matrix(gg + "ffn_gate_shexp.weight", () => p(hf + "mlp.shared_expert.gate_proj.weight"), [shared, hidden]);
            yield return matrix(gg + "ffn_up_shexp.weight", () => p(hf + "mlp.shared_expert.up_proj.weight"), [shared, hidden]);
            yield return matrix(gg + "ffn_down_shexp.weight", () => p(hf + "mlp.shared_expert.down_proj.weight"), [hidden, shared]);
        }
    }

    private IEnumerable<GgufTensor> DenseMlp(string hf, string gg, Func<string, Tensor> p, Func<string, Func<Tensor>, IReadOnlyList<long>, GgufTensor> matrix)
    {
        long width = _config.DenseIntermediateSize, hidden = _config.HiddenSize;
        yield return matrix(gg + "ffn_gate.weight", () => p(hf + "mlp.gate_proj.weight"), [width, hidden]);
        yield return matrix(gg + "ffn_up.weight", () => p(hf + "mlp.up_proj.weight"), [width, hidden]);
        yield return matrix(gg + "ffn_down.weight", () => p(hf + "mlp.down_proj.weight"), [hidden, width]);
    }

    /// <summary>Undoes Hugging Face's rotate-half row order for the llama family (llama.cpp's converter <c>permute</c>):
    /// rows of each head go from [first halves..., second halves...] to interleaved pairs.</summary>
    private Tensor Rotary(Tensor weight, int heads)
    {
        if (!RotaryPairsInterleaved)
        {
            return weight;
        }
        var rows = weight.shape[0];
        return weight.reshape(heads, 2, rows / heads / 2, weight.shape[1]).transpose(1, 2).reshape(rows, weight.shape[1]);
    }

    /// <summary>Quantised types need rows of whole blocks; a row that is not falls back to f16, as the converter does.</summary>
    private static GgmlType MatrixTypeFor(GgufExportType exportType, long rowLength)
    {
        var type = exportType.MatrixType();
        return rowLength % type.BlockSize() == 0 ? type : GgmlType.F16;
    }
}
