using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>RMSNorm computed in float32 whatever the activation dtype, as transformers does.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _weight;
    private readonly double _epsilon;

    public RmsNorm(long size, double epsilon) : base(nameof(RmsNorm))
    {
        _weight = new Parameter(ones(size));
        _epsilon = epsilon;
        register_parameter("weight", _weight);
    }

    public Parameter Weight => _weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var hidden = input.to(ScalarType.Float32);
        var variance = hidden.pow(2).mean(new long[] { -1 }, keepdim: true);
        hidden = hidden * (variance + _epsilon).rsqrt();
        return (_weight * hidden.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
