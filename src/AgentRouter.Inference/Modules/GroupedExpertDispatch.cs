using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// Groups the (token, slot) assignments by expert (stable sort + bincount) and runs every selected expert
/// once on its own tokens (index_select), then gathers the results back to token order and sums them
/// with the routing weights. Work is proportional to k, not to the number of experts, and autograd
/// flows through every step.
/// </summary>
public sealed class GroupedExpertDispatch : IExpertDispatch
{
    public static GroupedExpertDispatch Instance { get; } = new();

    public Tensor Mix(Tensor tokens, Tensor weights, Tensor selected, FusedExperts experts)
    {
        using var scope = NewDisposeScope();
        var (tokenCount, expertsPerToken) = (selected.shape[0], selected.shape[1]);
        var flatExperts = selected.reshape(-1);
        var (_, order) = flatExperts.sort(-1, descending: false, stable: true);
        var tokenOfAssignment = order.div(expertsPerToken, RoundingMode.floor);
        var counts = flatExperts.bincount(null, experts.NumExperts).cpu().data<long>().ToArray();

        var expertOutputs = new List<Tensor>();
        long start = 0;
        for (var expert = 0; expert < counts.Length; expert++)
        {
            var count = counts[expert];
            if (count == 0)
            {
                continue;
            }
            var rows = tokenOfAssignment.narrow(0, start, count);
            expertOutputs.Add(experts.ForwardExpert(expert, tokens.index_select(0, rows)));
            start += count;
        }
        // Outputs are in expert-sorted assignment order; the inverse permutation puts them back in
        // (token, slot) order, where the routing weights combine each token's k results. (A gather
        // instead of index_add: libtorch's CPU index_add is orders of magnitude slower here.)
        var sortedOutputs = expertOutputs.Count == 1 ? expertOutputs[0] : cat(expertOutputs, 0);
        var perAssignment = sortedOutputs.index_select(0, order.argsort()).view(tokenCount, expertsPerToken, -1);
        var mixed = (perAssignment * weights.to(tokens.dtype).unsqueeze(-1)).sum(1);
        return mixed.MoveToOuterDisposeScope();
    }
}
