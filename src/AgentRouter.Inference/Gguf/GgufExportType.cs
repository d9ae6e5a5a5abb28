namespace AgentRouter.Inference.Gguf;

/// <summary>What <c>export-gguf --type</c> stores the weight matrices as; norms, biases and the expert router stay
/// float32 whatever is chosen, as llama.cpp's converter keeps them.</summary>
public enum GgufExportType
{
    F32,
    F16,
    BF16,
    Q8_0,
}

public static class GgufExportTypes
{
    public static bool TryParse(string text, out GgufExportType type)
    {
        switch (text.ToLowerInvariant())
        {
            case "f32": type = GgufExportType.F32; return true;
            case "f16": type = GgufExportType.F16; return true;
            case "bf16": type = GgufExportType.BF16; return true;
            case "q8_0": type = GgufExportType.Q8_0; return true;
            default: type = default; return false;
        }
    }

    public static GgmlType MatrixType(this GgufExportType type) => type switch
    {
        GgufExportType.F16 => GgmlType.F16,
        GgufExportType.BF16 => GgmlType.BF16,
        GgufExportType.Q8_0 => GgmlType.Q8_0,
        _ => GgmlType.F32,
    };

    /// <summary>llama.cpp's <c>llama_ftype</c> for <c>general.file_type</c>.</summary>
    public static uint FileType(this GgufExportType type) => type switch
    {
        GgufExportType.F16 => 1,
        GgufExportType.Q8_0 => 7,
        GgufExportType.BF16 => 32,
        _ => 0,
    };
}
