using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// Logits [B, T, V] (or [B, 1, V] when only the last position was asked for) and the router logits of
/// every sparse layer, each [B*T, E], for a load-balancing auxiliary loss.
/// </summary>
public sealed record CausalLmOutput(Tensor Logits, IReadOnlyList<Tensor> RouterLogits) : IDisposable
{
    public void Dispose()
    {
        Logits.Dispose();
        foreach (var routerLogits in RouterLogits)
        {
            routerLogits.Dispose();
        }
    }
}
