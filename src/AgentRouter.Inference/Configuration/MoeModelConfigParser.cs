namespace AgentRouter.Inference.Configuration;

/// <summary>Maps each architecture's config.json spelling onto <see cref="MoeModelConfig"/> and validates it:
/// every size has a ceiling well above any published model of these families, low enough that the whole model's
/// parameter count (at most ~3·2^58 at all ceilings) fits a long, so that nothing later overflows on a hostile file.</summary>
internal static class MoeModelConfigParser
{
    public const int MaxLayers = 1024;
    public const int MaxHiddenSize = 65_536;
    public const int MaxVocabSize = 4_194_304;
    public const int MaxHeads = 1024;
    public const int MaxHeadDim = 4096;
    public const int MaxExperts = 4096;
    public const int MaxIntermediateSize = 1_048_576;
    public const int MaxPositions = 16_777_216;

    public static MoeModelConfig FromReader(ConfigJsonReader reader)
    {
        var modelType = reader.RequiredString("model_type");
        if (!ModelArchitectureNames.TryParse(modelType, out var architecture))
        {
            throw reader.Error("model_type", $"unsupported model type '{modelType}' (supported: mixtral, qwen2_moe, qwen3_moe, olmoe, llama, mistral)");
        }
        RejectUnsupported(reader);

        var hiddenSize = reader.RequiredPositiveInt("hidden_size", MaxHiddenSize);
        var numHeads = reader.RequiredPositiveInt("num_attention_heads", MaxHeads);
        var numKeyValueHeads = reader.OptionalPositiveInt("num_key_value_heads", numHeads, MaxHeads);
        if (numHeads % numKeyValueHeads != 0)
        {
            throw reader.Error("num_key_value_heads", $"{numKeyValueHeads} does not divide num_attention_heads {numHeads}");
        }
        if (!reader.Has("head_dim") && hiddenSize % numHeads != 0)
        {
            throw reader.Error("num_attention_heads", $"{numHeads} does not divide hidden_size {hiddenSize} and no head_dim is given");
        }
        var headDim = reader.OptionalPositiveInt("head_dim", hiddenSize / numHeads, MaxHeadDim);
        if (headDim % 2 != 0)
        {
            throw reader.Error("head_dim", $"{headDim} is odd; rotary embeddings need an even head dimension");
        }

        var config = new MoeModelConfig
        {
            Architecture = architecture,
            VocabSize = reader.RequiredPositiveInt("vocab_size", MaxVocabSize),
            HiddenSize = hiddenSize,
            NumLayers = reader.RequiredPositiveInt("num_hidden_layers", MaxLayers),
            NumHeads = numHeads,
            NumKeyValueHeads = numKeyValueHeads,
            HeadDim = headDim,
            MaxPositionEmbeddings = reader.OptionalPositiveInt("max_position_embeddings", DefaultMaxPositions(architecture), MaxPositions),
            RopeTheta = reader.OptionalPositiveDouble("rope_theta", architecture == ModelArchitecture.Mixtral ? 1e6 : 10000.0),
            RmsNormEps = reader.OptionalPositiveDouble("rms_norm_eps", 1e-6),
            TieWordEmbeddings = reader.OptionalBool("tie_word_embeddings", false),
            BosTokenId = reader.Has("bos_token_id") ? reader.OptionalIntList("bos_token_id").FirstOrDefault() : null,
            EosTokenIds = reader.OptionalIntList("eos_token_id"),
            SlidingWindow = SlidingWindow(reader, architecture),
        };
        config = WithFeedForward(config, architecture, reader);
        Validate(config, reader);
        return config;
    }

    private static MoeModelConfig WithFeedForward(MoeModelConfig config, ModelArchitecture architecture, ConfigJsonReader reader)
    {
        switch (architecture)
        {
            case ModelArchitecture.Mixtral:
                return config with
                {
                    NumExperts = reader.RequiredPositiveInt("num_local_experts", MaxExperts),
                    ExpertsPerToken = reader.RequiredPositiveInt("num_experts_per_tok", MaxExperts),
                    ExpertIntermediateSize = reader.RequiredPositiveInt("intermediate_size", MaxIntermediateSize),
                    NormTopKProbabilities = true,
                };
            case ModelArchitecture.Olmoe:
                return config with
                {
                    NumExperts = reader.RequiredPositiveInt("num_experts", MaxExperts),
                    ExpertsPerToken = reader.RequiredPositiveInt("num_experts_per_tok", MaxExperts),
                    ExpertIntermediateSize = reader.RequiredPositiveInt("intermediate_size", MaxIntermediateSize),
                    NormTopKProbabilities = reader.OptionalBool("norm_topk_prob", false),
                    QkvBias = reader.OptionalBool("attention_bias", false),
                    OutputProjectionBias = reader.OptionalBool("attention_bias", false),
                    ClipQkv = reader.OptionalNullablePositiveDouble("clip_qkv"),
                };
            case ModelArchitecture.Qwen2Moe or ModelArchitecture.Qwen3Moe:
                var qwen2 = architecture == ModelArchitecture.Qwen2Moe;
                var attentionBias = !qwen2 && reader.OptionalBool("attention_bias", false);
                return config with
                {
                    NumExperts = reader.RequiredPositiveInt("num_experts", MaxExperts),
                    ExpertsPerToken = reader.RequiredPositiveInt("num_experts_per_tok", MaxExperts),
                    ExpertIntermediateSize = reader.RequiredPositiveInt("moe_intermediate_size", MaxIntermediateSize),
                    DenseIntermediateSize = reader.RequiredPositiveInt("intermediate_size", MaxIntermediateSize),
                    SharedExpertIntermediateSize = qwen2 ? reader.OptionalNonNegativeInt("shared_expert_intermediate_size", 0, MaxIntermediateSize) : 0,
                    NormTopKProbabilities = reader.OptionalBool("norm_topk_prob", false),
                    DecoderSparseStep = reader.OptionalPositiveInt("decoder_sparse_step", 1, MaxLayers),
                    MlpOnlyLayers = reader.OptionalIntList("mlp_only_layers"),
                    QkvBias = qwen2 || attentionBias,
                    OutputProjectionBias = attentionBias,
                };
            default:
                var bias = reader.OptionalBool("attention_bias", false);
                return config with
                {
                    DenseIntermediateSize = reader.RequiredPositiveInt("intermediate_size", MaxIntermediateSize),
                    QkvBias = bias,
                    OutputProjectionBias = bias,
                };
        }
    }

    private static void Validate(MoeModelConfig config, ConfigJsonReader reader)
    {
        if (config.NumExperts > 0 && config.ExpertsPerToken > config.NumExperts)
        {
            throw reader.Error("num_experts_per_tok", $"{config.ExpertsPerToken} exceeds the {config.NumExperts} experts");
        }
        foreach (var layer in config.MlpOnlyLayers)
        {
            if (layer >= config.NumLayers)
            {
                throw reader.Error("mlp_only_layers", $"layer {layer} does not exist (num_hidden_layers is {config.NumLayers})");
            }
        }
        foreach (var eos in config.EosTokenIds)
        {
            if (eos >= config.VocabSize)
            {
                throw reader.Error("eos_token_id", $"{eos} is outside the vocabulary of {config.VocabSize}");
            }
        }
        if (config.BosTokenId is { } bos && bos >= config.VocabSize)
        {
            throw reader.Error("bos_token_id", $"{bos} is outside the vocabulary of {config.VocabSize}");
        }
        var needsDense = Enumerable.Range(0, config.NumLayers).Any(layer => !config.IsSparseLayer(layer));
        if (needsDense && config.DenseIntermediateSize <= 0)
        {
            throw reader.Error("intermediate_size", "dense layers exist but no dense intermediate size is given");
        }
    }

    private static void RejectUnsupported(ConfigJsonReader reader)
    {
        if (reader.Has("rope_scaling"))
        {
            throw reader.Error("rope_scaling", "scaled rotary embeddings are not supported");
        }
        if (reader.Has("hidden_act") && reader.RequiredString("hidden_act") != "silu")
        {
            throw reader.Error("hidden_act", $"only 'silu' is supported, found '{reader.RequiredString("hidden_act")}'");
        }
        if (reader.OptionalBool("mlp_bias", false))
        {
            throw reader.Error("mlp_bias", "MLP biases are not supported");
        }
    }

    private static int? SlidingWindow(ConfigJsonReader reader, ModelArchitecture architecture)
    {
        var applies = architecture is ModelArchitecture.Mixtral or ModelArchitecture.Mistral
            || ((architecture is ModelArchitecture.Qwen2Moe or ModelArchitecture.Qwen3Moe) && reader.OptionalBool("use_sliding_window", false));
        return applies && reader.Has("sliding_window") ? reader.OptionalPositiveInt("sliding_window", 1) : null;
    }

    private static int DefaultMaxPositions(ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.Mixtral or ModelArchitecture.Mistral => 131072,
        ModelArchitecture.Qwen2Moe or ModelArchitecture.Qwen3Moe => 32768,
        ModelArchitecture.Llama => 2048,
        _ => 4096,
    };
}
