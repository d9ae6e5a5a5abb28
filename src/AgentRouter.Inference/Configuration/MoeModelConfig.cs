using AgentRouter.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Configuration;

/// <summary>
/// The architecture-neutral description of a decoder, parsed from a Hugging Face config.json.
/// <see cref="NumExperts"/> = 0 is the dense (Llama/Mistral) case.
/// </summary>
public sealed record MoeModelConfig
{
    public required ModelArchitecture Architecture { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 4096;
    public double RopeTheta { get; init; } = 10000.0;
    public double RmsNormEps { get; init; } = 1e-6;
    public bool TieWordEmbeddings { get; init; }
    public int NumExperts { get; init; }
    public int ExpertsPerToken { get; init; } = 1;
    /// <summary>Intermediate width of one routed expert.</summary>
    public int ExpertIntermediateSize { get; init; }
    /// <summary>Intermediate width of the dense MLP in non-sparse layers.</summary>
    public int DenseIntermediateSize { get; init; }
    /// <summary>Qwen2-MoE shared expert width; 0 when there is none.</summary>
    public int SharedExpertIntermediateSize { get; init; }
    public bool NormTopKProbabilities { get; init; }
    public int DecoderSparseStep { get; init; } = 1;
    public IReadOnlyList<int> MlpOnlyLayers { get; init; } = Array.Empty<int>();
    public bool QkvBias { get; init; }
    public bool OutputProjectionBias { get; init; }
    public double? ClipQkv { get; init; }
    public int? SlidingWindow { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = Array.Empty<int>();

    public QueryKeyNorm QueryKeyNorm => Architecture.QueryKeyNormKind();

    public bool IsSparseLayer(int layer) =>
        NumExperts > 0 && !MlpOnlyLayers.Contains(layer) && (layer + 1) % DecoderSparseStep == 0;

    public static MoeModelConfig Load(string configPath)
    {
        string json;
        try
        {
            json = InputFiles.ReadAllText(configPath);
        }
        catch (InputFileException error)
        {
            throw new ModelConfigException(configPath, "(file)", error.Problem == "not found" ? "config.json not found" : error.Problem);
        }
        return Parse(json, configPath);
    }

    public static MoeModelConfig Parse(string json, string filePath)
    {
        JsonDocument document;
        try
        {
            document = CheckedJson.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new ModelConfigException(filePath, "(document)", $"not valid JSON: {exception.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelConfigException(filePath, "(document)", "not a JSON object");
            }
            return MoeModelConfigParser.FromReader(new ConfigJsonReader(filePath, document.RootElement));
        }
    }

    /// <summary>The config.json Hugging Face transformers would write for this model.</summary>
    public string ToJson()
    {
        var node = new JsonObject
        {
            ["model_type"] = Architecture.ToModelType(),
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumLayers,
            ["num_attention_heads"] = NumHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rope_theta"] = RopeTheta,
            ["rms_norm_eps"] = RmsNormEps,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["hidden_act"] = "silu",
            ["torch_dtype"] = "float32",
        };
        switch (Architecture)
        {
            case ModelArchitecture.Mixtral:
                node["num_local_experts"] = NumExperts;
                node["num_experts_per_tok"] = ExpertsPerToken;
                node["intermediate_size"] = ExpertIntermediateSize;
                break;
            case ModelArchitecture.Olmoe:
                node["num_experts"] = NumExperts;
                node["num_experts_per_tok"] = ExpertsPerToken;
                node["intermediate_size"] = ExpertIntermediateSize;
                node["norm_topk_prob"] = NormTopKProbabilities;
                node["attention_bias"] = QkvBias;
                if (ClipQkv is { } clip)
                {
                    node["clip_qkv"] = clip;
                }
                break;
            case ModelArchitecture.Qwen2Moe or ModelArchitecture.Qwen3Moe:
                node["num_experts"] = NumExperts;
                node["num_experts_per_tok"] = ExpertsPerToken;
                node["moe_intermediate_size"] = ExpertIntermediateSize;
                node["intermediate_size"] = DenseIntermediateSize;
                node["norm_topk_prob"] = NormTopKProbabilities;
                node["decoder_sparse_step"] = DecoderSparseStep;
                node["mlp_only_layers"] = new JsonArray(MlpOnlyLayers.Select(layer => (JsonNode)layer).ToArray());
                if (Architecture == ModelArchitecture.Qwen2Moe)
                {
                    node["shared_expert_intermediate_size"] = SharedExpertIntermediateSize;
                }
                else
                {
                    node["attention_bias"] = QkvBias;
                }
                break;
            default:
                node["intermediate_size"] = DenseIntermediateSize;
                node["attention_bias"] = QkvBias;
                break;
        }
        if (SlidingWindow is { } window)
        {
            node["sliding_window"] = window;
        }
        if (BosTokenId is { } bos)
        {
            node["bos_token_id"] = bos;
        }
        if (EosTokenIds.Count == 1)
        {
            node["eos_token_id"] = EosTokenIds[0];
        }
        else if (EosTokenIds.Count > 1)
        {
            node["eos_token_id"] = new JsonArray(EosTokenIds.Select(id => (JsonNode)id).ToArray());
        }
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
