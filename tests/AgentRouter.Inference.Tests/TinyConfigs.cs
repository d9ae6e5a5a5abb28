using AgentRouter.Inference.Configuration;

namespace AgentRouter.Inference.Tests;

/// <summary>Small random-weight configurations of every supported architecture.</summary>
internal static class TinyConfigs
{
    /// <summary>Large enough that logits and router scores are O(1), so tolerances and routing choices mean something.</summary>
    public const double WeightScale = 0.3;

    public static MoeModelConfig For(ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.Mixtral => Base(architecture) with { NumExperts = 4, ExpertsPerToken = 2, ExpertIntermediateSize = 48, NormTopKProbabilities = true },
        ModelArchitecture.Qwen2Moe => Base(architecture) with
        {
            NumExperts = 6, ExpertsPerToken = 2, ExpertIntermediateSize = 24, DenseIntermediateSize = 64, SharedExpertIntermediateSize = 40,
            QkvBias = true, DecoderSparseStep = 1, MlpOnlyLayers = new[] { 1 },
        },
        ModelArchitecture.Qwen3Moe => Base(architecture) with
        {
            NumExperts = 8, ExpertsPerToken = 2, ExpertIntermediateSize = 24, DenseIntermediateSize = 64, NormTopKProbabilities = true, HeadDim = 12,
        },
        ModelArchitecture.Olmoe => Base(architecture) with { NumExperts = 8, ExpertsPerToken = 2, ExpertIntermediateSize = 24, ClipQkv = 4.0 },
        _ => Base(architecture) with { DenseIntermediateSize = 64, TieWordEmbeddings = true },
    };

    private static MoeModelConfig Base(ModelArchitecture architecture) => new()
    {
        Architecture = architecture,
        VocabSize = 61,
        HiddenSize = 32,
        NumLayers = 3,
        NumHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 8,
        MaxPositionEmbeddings = 64,
        RmsNormEps = 1e-6,
        EosTokenIds = new[] { 60 },
    };
}
