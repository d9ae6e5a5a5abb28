using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.MoeBench;

/// <summary>
/// The reference the engine must beat: every expert runs on every token and a mask zeroes the
/// contributions the router did not choose. Lives only in the benchmark.
/// </summary>
internal sealed class NaiveMaskedExpertDispatch : IExpertDispatch
{
    public Tensor Mix(Tensor tokens, Tensor weights, Tensor selected, FusedExperts experts)
    {
        using var scope = NewDisposeScope();
        var output = zeros_like(tokens);
        for (var expert = 0; expert < experts.NumExperts; expert++)
        {
            var tokenWeight = (weights * selected.eq(expert).to(weights.dtype)).sum(-1, keepdim: true).to(tokens.dtype);
            output = output + (experts.ForwardExpert(expert, tokens) * tokenWeight);
        }
        return output.MoveToOuterDisposeScope();
    }
}
