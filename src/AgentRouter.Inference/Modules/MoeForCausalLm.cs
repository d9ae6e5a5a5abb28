using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// A decoder-only causal LM (Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, dense Llama/Mistral) whose parameter
/// names are the Hugging Face ones (<c>model.layers.0.self_attn.q_proj.weight</c>, <c>lm_head.weight</c>).
/// <see cref="forward"/> gives training logits; <see cref="Forward"/> adds padding masks, a KV cache and
/// the router logits.
/// </summary>
public sealed class MoeForCausalLm : nn.Module<Tensor, Tensor>
{
    private readonly MoeDecoderModel _model;
    private readonly Linear? _languageModelHead;

    /// <param name="placement">Device and dtype of the parameters as built; <see cref="ParameterPlacement.Meta"/> for a model whose
    /// parameters a loader binds afterwards.</param>
    public MoeForCausalLm(MoeModelConfig config, ParameterPlacement? placement = null) : base(nameof(MoeForCausalLm))
    {
        placement ??= ParameterPlacement.Default;
        Config = config;
        _model = new MoeDecoderModel(config, placement);
        register_module("model", _model);
        if (!config.TieWordEmbeddings)
        {
            _languageModelHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, placement.Device, placement.DType);
            register_module("lm_head", _languageModelHead);
        }
    }

    public MoeModelConfig Config { get; }

    public MoeDecoderModel Body => _model;

    public Device Device => _model.EmbedTokens.weight!.device;

    /// <summary>The output projection [V, H]: <c>lm_head</c>, or the embeddings when they are tied.</summary>
    internal Tensor LanguageModelHeadWeight => _languageModelHead is not null ? _languageModelHead.weight! : _model.EmbedTokens.weight!;

    public ScalarType DType => _model.EmbedTokens.weight!.dtype;

    /// <summary>Logits [B, T, V] for a full batch without cache or padding (the training path).</summary>
    public override Tensor forward(Tensor inputIds)
    {
        using var output = Forward(inputIds);
        return output.Logits.alias();
    }

    /// <param name="adapter">A LoRA adapter over these weights, chosen per call so that one loaded base serves many
    /// adapters; null gives the base model. A cache must only be reused with the adapter that filled it.</param>
    public CausalLmOutput Forward(Tensor inputIds, Tensor? attentionMask = null, IKvCache? cache = null, bool lastPositionOnly = false,
        LoraAdapter? adapter = null)
    {
        if (adapter is not null && adapter.LayerCount != Config.NumLayers)
        {
            throw new ArgumentException($"adapter '{adapter.Name}' has {adapter.LayerCount} layers but the model has {Config.NumLayers}", nameof(adapter));
        }
        // One token of one sequence with a plain KV cache: the whole step in managed loops (Kernels/ManagedDecodeStep).
        if (ManagedDecodeStep.Applies(this, inputIds, attentionMask, cache, adapter)
            && ManagedDecodeStep.TryRun(this, inputIds, (KvCache)cache!) is { } managed)
        {
            return managed;
        }
        using var scope = NewDisposeScope();
        var (hidden, routerLogits) = _model.Forward(inputIds, attentionMask, cache, adapter);
        if (lastPositionOnly)
        {
            hidden = hidden.narrow(1, hidden.shape[1] - 1, 1);
        }
        var logits = DecodeLinear.Apply(hidden, LanguageModelHeadWeight);
        foreach (var tensor in routerLogits)
        {
            tensor.MoveToOuterDisposeScope();
        }
        return new CausalLmOutput(logits.MoveToOuterDisposeScope(), routerLogits);
    }

    /// <summary>A model with every weight drawn from N(0, std²) (norms at 1), reproducible from the seed.</summary>
    public static MoeForCausalLm CreateRandom(MoeModelConfig config, long seed, double standardDeviation = 0.02)
    {
        // A private generator keeps the weights reproducible even while other threads draw random numbers.
        using var generator = new Generator((ulong)seed);
        var model = new MoeForCausalLm(config);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.EndsWith("norm.weight", StringComparison.Ordinal))
                {
                    parameter.fill_(1.0);
                }
                else
                {
                    parameter.normal_(0.0, standardDeviation, generator);
                }
            }
        }
        return model;
    }
}
