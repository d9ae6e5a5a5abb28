using System.Globalization;
using AgentRouter.Core.Configuration;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Hosting;

/// <summary>CUDA when libtorch reports it (a CUDA libtorch package was chosen at build time), else CPU; or the device an
/// agent names (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>).</summary>
public static class InferenceDevice
{
    /// <summary>Set to "cpu" to force the CPU even where CUDA is available.</summary>
    public const string EnvironmentVariable = "AGENTROUTER_DEVICE";

    public static Device Select() => Select(AgentRouterSettings.FromEnvironment());

    /// <summary>As <see cref="Select()"/>, with <see cref="AgentRouterSettings.Device"/> from <paramref name="settings"/>.</summary>
    public static Device Select(AgentRouterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var requested = settings.Device;
        if (string.Equals(requested, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return CPU;
        }
        return cuda.is_available() ? CUDA : CPU;
    }

    /// <summary>The device <paramref name="text"/> names, checked against what this libtorch can reach.</summary>
    /// <exception cref="ArgumentException">An unknown spelling, or a CUDA device this machine or build does not have.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalised = text.Trim().ToLowerInvariant();
        if (normalised == "cpu")
        {
            return CPU;
        }
        var index = 0;
        if (!(normalised == "cuda"
            || (normalised.StartsWith("cuda:", StringComparison.Ordinal)
                && int.TryParse(normalised["cuda:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out index))))
        {
            throw new ArgumentException($"unknown device '{text}' (use \"cpu\", \"cuda\" or \"cuda:N\")", nameof(text));
        }
        if (!cuda.is_available())
        {
            throw new ArgumentException(
                $"device '{text}' asks for CUDA, but libtorch sees no CUDA device here (a CPU-only machine, or the CPU libtorch package was built in; see scripts/gpu-check.sh)",
                nameof(text));
        }
        var count = cuda.device_count();
        if (index >= count)
        {
            throw new ArgumentException($"device '{text}' does not exist: this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}", nameof(text));
        }
        return new Device(TorchSharp.DeviceType.CUDA, index);
    }
}

/// <summary>The parameter dtypes an agent may ask for.</summary>
public static class InferenceDType
{
    public const string Known = "\"fp32\", \"bf16\", \"fp16\"";

    /// <exception cref="ArgumentException">Not one of <see cref="Known"/> (or their long names float32, bfloat16, float16).</exception>
    public static ScalarType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "fp32" or "float32" or "f32" => ScalarType.Float32,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            "fp16" or "float16" or "f16" or "half" => ScalarType.Float16,
            _ => throw new ArgumentException($"unknown dtype '{text}' (use {Known})", nameof(text)),
        };
    }

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => dtype.ToString(),
    };
}
