namespace AgentRouter.Inference.Configuration;

/// <summary>The decoder families this engine runs, keyed by config.json's <c>model_type</c>.</summary>
public enum ModelArchitecture
{
    Mixtral,
    Qwen2Moe,
    Qwen3Moe,
    Olmoe,
    Llama,
    Mistral,
}

public static class ModelArchitectureNames
{
    public static string ToModelType(this ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.Mixtral => "mixtral",
        ModelArchitecture.Qwen2Moe => "qwen2_moe",
        ModelArchitecture.Qwen3Moe => "qwen3_moe",
        ModelArchitecture.Olmoe => "olmoe",
        ModelArchitecture.Llama => "llama",
        _ => "mistral",
    };

    public static bool TryParse(string modelType, out ModelArchitecture architecture)
    {
        foreach (var candidate in Enum.GetValues<ModelArchitecture>())
        {
            if (candidate.ToModelType() == modelType)
            {
                architecture = candidate;
                return true;
            }
        }
        architecture = default;
        return false;
    }

    /// <summary>How q/k are normalised after projection.</summary>
    public static QueryKeyNorm QueryKeyNormKind(this ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.Qwen3Moe => QueryKeyNorm.PerHead,
        ModelArchitecture.Olmoe => QueryKeyNorm.WholeProjection,
        _ => QueryKeyNorm.None,
    };
}

public enum QueryKeyNorm
{
    None,
    PerHead,
    WholeProjection,
}
