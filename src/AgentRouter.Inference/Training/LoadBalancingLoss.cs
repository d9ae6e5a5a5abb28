using static TorchSharp.torch;

namespace AgentRouter.Inference.Training;

/// <summary>The Switch Transformer / Mixtral load-balancing auxiliary loss, as transformers'
/// <c>load_balancing_loss_func</c> computes it: over every sparse layer's tokens,
/// <c>E · Σ_slot Σ_e f(slot, e) · P(e)</c> where f is the fraction of tokens whose slot-th choice is expert e
/// and P the mean router probability of e. It equals top-k when routing is perfectly balanced and grows as
/// the router collapses onto few experts.</summary>
public static class LoadBalancingLoss
{
    /// <param name="routerLogits">One [N, E] tensor per sparse layer.</param>
    /// <param name="tokenMask">[N] with 1 for real tokens and 0 for padding, or null when every token counts.</param>
    /// <returns>A scalar; zero when there is no sparse layer.</returns>
    public static Tensor Compute(IReadOnlyList<Tensor> routerLogits, int expertsPerToken, Tensor? tokenMask = null)
    {
        ArgumentNullException.ThrowIfNull(routerLogits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expertsPerToken);
        if (routerLogits.Count == 0)
        {
            return tensor(0.0f);
        }

        using var scope = NewDisposeScope();
        var logits = cat(routerLogits.ToList(), 0).to(ScalarType.Float32);
        var numExperts = logits.shape[1];
        var probabilities = logits.softmax(-1);
        var (_, selected) = probabilities.topk(expertsPerToken, dim: -1);
        var expertMask = nn.functional.one_hot(selected, numExperts).to(ScalarType.Float32); // [N·L, k, E]

        Tensor tokensPerExpert;
        Tensor probabilityPerExpert;
        if (tokenMask is null)
        {
            tokensPerExpert = expertMask.mean([0]);
            probabilityPerExpert = probabilities.mean([0]);
        }
        else
        {
            var weights = tokenMask.to(ScalarType.Float32).repeat(routerLogits.Count);
            var total = weights.sum();
            tokensPerExpert = (expertMask * weights.view(-1, 1, 1)).sum(dim: 0L) / total;
            probabilityPerExpert = (probabilities * weights.view(-1, 1)).sum(dim: 0L) / total;
        }

        return ((tokensPerExpert * probabilityPerExpert.unsqueeze(0)).sum() * numExperts).MoveToOuterDisposeScope();
    }
}
