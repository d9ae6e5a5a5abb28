namespace AgentRouter.Inference.Adapters;

/// <summary>The projections a LoRA adapter may wrap: the attention projections of every decoder layer.</summary>
public enum LoraTargetModule
{
    QueryProjection,
    KeyProjection,
    ValueProjection,
    OutputProjection,
}

/// <summary>PEFT's module names (<c>target_modules</c> entries and tensor-name segments) for <see cref="LoraTargetModule"/>.</summary>
public static class LoraTargetModules
{
    private static readonly (LoraTargetModule Module, string Name)[] Names =
    [
        (LoraTargetModule.QueryProjection, "q_proj"),
        (LoraTargetModule.KeyProjection, "k_proj"),
        (LoraTargetModule.ValueProjection, "v_proj"),
        (LoraTargetModule.OutputProjection, "o_proj"),
    ];

    public static IReadOnlyList<string> SupportedNames { get; } = Names.Select(entry => entry.Name).ToArray();

    public static string PeftName(this LoraTargetModule module) => Names.Single(entry => entry.Module == module).Name;

    public static bool TryParse(string name, out LoraTargetModule module)
    {
        foreach (var entry in Names)
        {
            if (entry.Name == name)
            {
                module = entry.Module;
                return true;
            }
        }
        module = default;
        return false;
    }

    /// <summary>The PEFT tensor name, e.g. <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>.</summary>
    public static string TensorName(int layer, LoraTargetModule module, bool isA) =>
        $"base_model.model.model.layers.{layer}.self_attn.{module.PeftName()}.lora_{(isA ? "A" : "B")}.weight";

    /// <summary>(input width, output width) of the base projection.</summary>
    public static (long In, long Out) Shape(this LoraTargetModule module, Configuration.MoeModelConfig config)
    {
        var queryWidth = (long)config.NumHeads * config.HeadDim;
        var keyValueWidth = (long)config.NumKeyValueHeads * config.HeadDim;
        return module switch
        {
            LoraTargetModule.QueryProjection => (config.HiddenSize, queryWidth),
            LoraTargetModule.KeyProjection or LoraTargetModule.ValueProjection => (config.HiddenSize, keyValueWidth),
            _ => (queryWidth, config.HiddenSize),
        };
    }
}
