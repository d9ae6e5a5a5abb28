using AgentRouter.Inference.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>The SwiGLU feed-forward <c>down(silu(gate(x)) * up(x))</c>: dense layers and the Qwen2-MoE shared expert.</summary>
public sealed class DenseMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _gateProjection;
    private readonly Linear _upProjection;
    private readonly Linear _downProjection;

    public DenseMlp(long hiddenSize, long intermediateSize, ParameterPlacement? placement = null) : base(nameof(DenseMlp))
    {
        placement ??= ParameterPlacement.Default;
        _gateProjection = nn.Linear(hiddenSize, intermediateSize, hasBias: false, placement.Device, placement.DType);
        _upProjection = nn.Linear(hiddenSize, intermediateSize, hasBias: false, placement.Device, placement.DType);
        _downProjection = nn.Linear(intermediateSize, hiddenSize, hasBias: false, placement.Device, placement.DType);
        register_module("gate_proj", _gateProjection);
        register_module("up_proj", _upProjection);
        register_module("down_proj", _downProjection);
    }

    internal Linear GateProjection => _gateProjection;

    internal Linear UpProjection => _upProjection;

    internal Linear DownProjection => _downProjection;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var activated = nn.functional.silu(DecodeLinear.Forward(_gateProjection, input)) * DecodeLinear.Forward(_upProjection, input);
        return DecodeLinear.Forward(_downProjection, activated).MoveToOuterDisposeScope();
    }
}
