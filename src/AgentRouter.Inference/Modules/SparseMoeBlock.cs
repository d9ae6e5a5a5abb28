using AgentRouter.Inference.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// A sparse mixture-of-experts feed-forward: route each token to its top-k experts (softmax in float32,
/// optional renormalisation), combine them with <see cref="Dispatch"/> (by default
/// <see cref="GroupedExpertDispatch"/>), and add the Qwen2-MoE gated shared expert where there is one.
/// </summary>
public sealed class SparseMoeBlock : nn.Module
{
    private readonly Linear _router;
    private readonly FusedExperts _experts;
    private readonly DenseMlp? _sharedExpert;
    private readonly Linear? _sharedExpertGate;
    private readonly int _expertsPerToken;
    private readonly bool _renormalise;

    public SparseMoeBlock(long hiddenSize, int numExperts, int expertsPerToken, long expertIntermediateSize, bool renormalise,
        long sharedExpertIntermediateSize, ParameterPlacement? placement = null) : base(nameof(SparseMoeBlock))
    {
        placement ??= ParameterPlacement.Default;
        _router = nn.Linear(hiddenSize, numExperts, hasBias: false, placement.Device, placement.DType);
        _experts = new FusedExperts(numExperts, hiddenSize, expertIntermediateSize, placement);
        _expertsPerToken = expertsPerToken;
        _renormalise = renormalise;
        register_module("gate", _router);
        register_module("experts", _experts);
        if (sharedExpertIntermediateSize > 0)
        {
            _sharedExpert = new DenseMlp(hiddenSize, sharedExpertIntermediateSize, placement);
            _sharedExpertGate = nn.Linear(hiddenSize, 1, hasBias: false, placement.Device, placement.DType);
            register_module("shared_expert", _sharedExpert);
            register_module("shared_expert_gate", _sharedExpertGate);
        }
    }

    public int NumExperts => (int)_experts.NumExperts;

    public FusedExperts Experts => _experts;

    internal Linear Router => _router;

    internal DenseMlp? SharedExpert => _sharedExpert;

    internal Linear? SharedExpertGate => _sharedExpertGate;

    internal int ExpertsPerToken => _expertsPerToken;

    internal bool Renormalise => _renormalise;

    /// <summary>The expert combination strategy; benchmarks swap in a reference implementation.</summary>
    public IExpertDispatch Dispatch { get; set; } = GroupedExpertDispatch.Instance;

    /// <summary>Returns the mixed output [N, H] and the router logits [N, E] (for a load-balancing loss).</summary>
    public (Tensor Output, Tensor RouterLogits) Forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        Tensor output;
        Tensor routerLogits;
        // Decoding a few tokens: the whole routed part in one managed pass (see SmallBatchExpertMixer).
        // A swapped-in Dispatch (the benchmark's naive reference) always runs as given.
        if (ReferenceEquals(Dispatch, GroupedExpertDispatch.Instance) && SmallBatchExpertMixer.Applies(tokens, _router.weight!, _experts))
        {
            (output, routerLogits) = SmallBatchExpertMixer.Forward(tokens, _router.weight!, _experts, _expertsPerToken, _renormalise);
        }
        else
        {
            routerLogits = _router.forward(tokens);
            var (weights, selected) = Route(routerLogits);
            output = Dispatch.Mix(tokens, weights, selected, _experts);
        }

        if (_sharedExpert is not null && _sharedExpertGate is not null)
        {
            output = output + (sigmoid(DecodeLinear.Forward(_sharedExpertGate, tokens)) * _sharedExpert.forward(tokens));
        }
        return (output.MoveToOuterDisposeScope(), routerLogits.MoveToOuterDisposeScope());
    }

    private (Tensor Weights, Tensor Selected) Route(Tensor routerLogits)
    {
        var probabilities = routerLogits.to(ScalarType.Float32).softmax(-1);
        var (weights, selected) = probabilities.topk(_expertsPerToken, dim: -1);
        if (_renormalise)
        {
            weights = weights / weights.sum(-1, keepdim: true);
        }
        return (weights, selected);
    }
}
