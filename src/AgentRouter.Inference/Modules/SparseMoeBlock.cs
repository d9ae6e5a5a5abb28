using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// A sparse mixture-of-experts feed-forward: route each token to its top-k experts, group the tokens by
/// expert (argsort + bincount), and run every selected expert once on its own tokens (index_select,
/// then index_add back weighted by the routing probability). Differentiable when autograd is on.
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
        long sharedExpertIntermediateSize) : base(nameof(SparseMoeBlock))
    {
        _router = nn.Linear(hiddenSize, numExperts, hasBias: false);
        _experts = new FusedExperts(numExperts, hiddenSize, expertIntermediateSize);
        _expertsPerToken = expertsPerToken;
        _renormalise = renormalise;
        register_module("gate", _router);
        register_module("experts", _experts);
        if (sharedExpertIntermediateSize > 0)
        {
            _sharedExpert = new DenseMlp(hiddenSize, sharedExpertIntermediateSize);
            _sharedExpertGate = nn.Linear(hiddenSize, 1, hasBias: false);
            register_module("shared_expert", _sharedExpert);
            register_module("shared_expert_gate", _sharedExpertGate);
        }
    }

    public int NumExperts => (int)_experts.NumExperts;

    /// <summary>Returns the mixed output [N, H] and the router logits [N, E] (for a load-balancing loss).</summary>
    public (Tensor Output, Tensor RouterLogits) Forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var routerLogits = _router.forward(tokens);
        var (weights, selected) = Route(routerLogits);
        var output = zeros_like(tokens);

        // Each (token, slot) pair is one assignment; sorting the assignments by expert puts each expert's
        // tokens in one contiguous run, whose length bincount gives.
        var flatExperts = selected.reshape(-1);
        var (_, order) = flatExperts.sort(-1, descending: false, stable: true);
        var tokenOfAssignment = order.div(_expertsPerToken, RoundingMode.floor);
        var sortedWeights = weights.reshape(-1).index_select(0, order).to(tokens.dtype);
        var counts = flatExperts.bincount(null, NumExperts).cpu().data<long>().ToArray();

        long start = 0;
        for (var expert = 0; expert < counts.Length; expert++)
        {
            var count = counts[expert];
            if (count == 0)
            {
                continue;
            }
            var rows = tokenOfAssignment.narrow(0, start, count);
            var expertOutput = _experts.ForwardExpert(expert, tokens.index_select(0, rows));
            output = output.index_add(0, rows, expertOutput * sortedWeights.narrow(0, start, count).unsqueeze(1), 1);
            start += count;
        }

        if (_sharedExpert is not null && _sharedExpertGate is not null)
        {
            output = output + (sigmoid(_sharedExpertGate.forward(tokens)) * _sharedExpert.forward(tokens));
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
