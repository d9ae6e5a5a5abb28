using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// Where and in which dtype a module allocates its parameters when it is built. Loading a checkpoint builds the
/// model on the <c>meta</c> device (shapes only, no memory) and then binds every parameter to the checkpoint's
/// tensor, so nothing is allocated twice and nothing is upcast on the way.
/// </summary>
public sealed record ParameterPlacement(Device? Device = null, ScalarType? DType = null)
{
    public static ParameterPlacement Default { get; } = new();

    /// <summary>Shapes only: parameters hold no storage until they are bound.</summary>
    public static ParameterPlacement Meta(ScalarType dtype) => new(device("meta"), dtype);
}

/// <summary>A module that registers parameters itself (not through nn.Linear/nn.Embedding) and lets a loader replace them.</summary>
internal interface IRebindableParameters
{
    void Rebind(string name, TorchSharp.Modules.Parameter value);
}
