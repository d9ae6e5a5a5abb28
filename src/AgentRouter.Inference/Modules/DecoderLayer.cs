using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>Pre-norm decoder layer: attention then a sparse-MoE or dense feed-forward, each with a residual.</summary>
public sealed class DecoderLayer : nn.Module
{
    private readonly RmsNorm _inputNorm;
    private readonly Attention _attention;
    private readonly RmsNorm _postAttentionNorm;
    private readonly SparseMoeBlock? _sparseMlp;
    private readonly DenseMlp? _denseMlp;
    private readonly int _layerIndex;

    public DecoderLayer(MoeModelConfig config, int layerIndex, ParameterPlacement? placement = null) : base(nameof(DecoderLayer))
    {
        _layerIndex = layerIndex;
        _inputNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, placement);
        _attention = new Attention(config, placement);
        _postAttentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, placement);
        register_module("input_layernorm", _inputNorm);
        register_module("self_attn", _attention);
        register_module("post_attention_layernorm", _postAttentionNorm);
        if (config.IsSparseLayer(layerIndex))
        {
            _sparseMlp = new SparseMoeBlock(config.HiddenSize, config.NumExperts, config.ExpertsPerToken, config.ExpertIntermediateSize,
                config.NormTopKProbabilities, config.SharedExpertIntermediateSize, placement);
            register_module("mlp", _sparseMlp);
        }
        else
        {
            _denseMlp = new DenseMlp(config.HiddenSize, config.DenseIntermediateSize, placement);
            register_module("mlp", _denseMlp);
        }
    }

    public bool IsSparse => _sparseMlp is not null;

    public SparseMoeBlock? SparseMlp => _sparseMlp;

    internal RmsNorm InputNorm => _inputNorm;

    internal Attention SelfAttention => _attention;

    internal RmsNorm PostAttentionNorm => _postAttentionNorm;

    internal DenseMlp? DenseMlp => _denseMlp;

    /// <summary>Returns the new hidden states and, for a sparse layer, the router logits [B*T, E].</summary>
    public (Tensor Hidden, Tensor? RouterLogits) Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? additiveMask, IKvCache? cache,
        LoraAdapter? adapter = null)
    {
        using var scope = NewDisposeScope();
        var attended = _attention.Forward(_inputNorm.forward(hidden), cos, sin, additiveMask, cache, _layerIndex, adapter?.Layer(_layerIndex));
        hidden = hidden + attended;
        var normed = _postAttentionNorm.forward(hidden);
        Tensor? routerLogits = null;
        Tensor mixed;
        if (_sparseMlp is not null)
        {
            var flat = normed.reshape(-1, normed.shape[^1]);
            (mixed, routerLogits) = _sparseMlp.Forward(flat);
            mixed = mixed.view(normed.shape);
            routerLogits.MoveToOuterDisposeScope();
        }
        else
        {
            mixed = _denseMlp!.forward(normed);
        }
        return ((hidden + mixed).MoveToOuterDisposeScope(), routerLogits);
    }
}
