using static TorchSharp.torch;

namespace AgentRouter.Inference.Hosting;

/// <summary>CUDA when libtorch reports it (a CUDA libtorch package was chosen at build time), else CPU.</summary>
public static class InferenceDevice
{
    /// <summary>Set to "cpu" to force the CPU even where CUDA is available.</summary>
    public const string EnvironmentVariable = "AGENTROUTER_DEVICE";

    public static Device Select()
    {
        var requested = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(requested, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return CPU;
        }
        return cuda.is_available() ? CUDA : CPU;
    }
}
