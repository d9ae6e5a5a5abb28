using AgentRouter.Inference.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>RMSNorm computed in float32 whatever the activation dtype, as transformers does.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>, IRebindableParameters
{
    private readonly double _epsilon;

    public RmsNorm(long size, double epsilon, ParameterPlacement? placement = null) : base(nameof(RmsNorm))
    {
        _epsilon = epsilon;
        register_parameter("weight", new Parameter(ones(size, placement?.DType, placement?.Device)));
    }

    /// <summary>Looked up on use: Module.to(dtype/device) replaces registered parameters.</summary>
    public Parameter Weight => get_parameter("weight")!;

    void IRebindableParameters.Rebind(string name, Parameter value) => ConditionallyRegisterParameter(name, value);

    public override Tensor forward(Tensor input)
    {
        var weight = Weight;
        if (DecodeLinear.AppliesElementwise(input, weight))
        {
            return SmallBatchRmsNorm.Apply(input, weight, (float)_epsilon);
        }
        using var scope = NewDisposeScope();
        var isFloat32 = input.dtype == ScalarType.Float32;
        var hidden = isFloat32 ? input : input.to(ScalarType.Float32);
        var variance = (hidden * hidden).mean(new long[] { -1 }, keepdim: true);
        hidden = hidden * (variance + _epsilon).rsqrt();
        return (Weight * (isFloat32 ? hidden : hidden.to(input.dtype))).MoveToOuterDisposeScope();
    }
}
