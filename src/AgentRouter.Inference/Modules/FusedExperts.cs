using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// All routed experts of one layer in the transformers fused layout: <c>gate_up_proj [E, 2I, H]</c>
/// (first half gate, second half up) and <c>down_proj [E, H, I]</c>.
/// </summary>
public sealed class FusedExperts : nn.Module, IRebindableParameters
{
    public FusedExperts(long numExperts, long hiddenSize, long intermediateSize, ParameterPlacement? placement = null) : base(nameof(FusedExperts))
    {
        NumExperts = numExperts;
        IntermediateSize = intermediateSize;
        var gateUpProjection = new Parameter(empty(new[] { numExperts, 2 * intermediateSize, hiddenSize }, placement?.DType, placement?.Device));
        var downProjection = new Parameter(empty(new[] { numExperts, hiddenSize, intermediateSize }, placement?.DType, placement?.Device));
        using (no_grad())
        {
            var bound = 1.0 / Math.Sqrt(hiddenSize);
            gateUpProjection.uniform_(-bound, bound);
            downProjection.uniform_(-1.0 / Math.Sqrt(intermediateSize), 1.0 / Math.Sqrt(intermediateSize));
        }
        register_parameter("gate_up_proj", gateUpProjection);
        register_parameter("down_proj", downProjection);
    }

    /// <summary>[E, 2I, H]; looked up on use because Module.to(dtype/device) replaces registered parameters.</summary>
    public Parameter GateUpProjection => get_parameter("gate_up_proj")!;

    /// <summary>[E, H, I].</summary>
    public Parameter DownProjection => get_parameter("down_proj")!;

    public long NumExperts { get; }

    public long IntermediateSize { get; }

    void IRebindableParameters.Rebind(string name, Parameter value) => ConditionallyRegisterParameter(name, value);

    /// <summary>Runs expert <paramref name="expert"/> on the rows it was routed.</summary>
    public Tensor ForwardExpert(long expert, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var gateUp = nn.functional.linear(tokens, GateUpProjection[expert]);
        var gate = gateUp.narrow(-1, 0, IntermediateSize);
        var up = gateUp.narrow(-1, IntermediateSize, IntermediateSize);
        var activated = nn.functional.silu(gate) * up;
        return nn.functional.linear(activated, DownProjection[expert]).MoveToOuterDisposeScope();
    }
}
