using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>How a sparse-MoE block combines its experts once the router has chosen them.</summary>
public interface IExpertDispatch
{
    /// <param name="tokens">[N, H].</param>
    /// <param name="weights">[N, k] routing weights (already renormalised where the architecture does so).</param>
    /// <param name="selected">[N, k] expert indices.</param>
    /// <returns>[N, H], the weighted sum of each token's selected experts.</returns>
    Tensor Mix(Tensor tokens, Tensor weights, Tensor selected, FusedExperts experts);
}
