using TorchSharp;

namespace AgentRouter.Inference.Safetensors;

/// <summary>The element types this engine reads and writes (the safetensors spelling is the enum name).</summary>
public enum SafetensorsDType
{
    F32,
    F16,
    BF16,
}

public static class SafetensorsDTypeExtensions
{
    public static int ElementSize(this SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 2;

    public static torch.ScalarType ToScalarType(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => torch.ScalarType.Float32,
        SafetensorsDType.F16 => torch.ScalarType.Float16,
        _ => torch.ScalarType.BFloat16,
    };

    public static bool TryParse(string text, out SafetensorsDType dtype)
    {
        switch (text)
        {
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
            default: dtype = default; return false;
        }
    }

    public static SafetensorsDType FromScalarType(torch.ScalarType type, string tensorName) => type switch
    {
        torch.ScalarType.Float32 => SafetensorsDType.F32,
        torch.ScalarType.Float16 => SafetensorsDType.F16,
        torch.ScalarType.BFloat16 => SafetensorsDType.BF16,
        _ => throw new ArgumentException($"tensor '{tensorName}' has dtype {type}; only float32, float16 and bfloat16 can be saved", nameof(type)),
    };
}
