using AgentRouter.Core.IO;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Adapters;

/// <summary>
/// A PEFT <c>adapter_config.json</c> of <c>peft_type</c> "LORA". Fields PEFT writes but that do not change the
/// forward pass (task_type, inference_mode, revision, ...) are ignored; fields whose non-default value would change
/// it and that this engine does not implement (DoRA, per-module rank patterns, modules_to_save, bias training,
/// fan_in_fan_out) are rejected rather than silently dropped.
/// </summary>
/// <param name="BaseModelNameOrPath">The base the adapter was trained on; a relative path is taken from the adapter folder.</param>
/// <param name="BaseModelFingerprint">AgentRouter's extra field: <see cref="BaseModelFingerprint"/> of the base's weights.</param>
/// <param name="LayersToTransform">Null when every layer is adapted.</param>
public sealed record LoraAdapterConfig(
    string BaseModelNameOrPath,
    int Rank,
    double Alpha,
    IReadOnlyList<LoraTargetModule> TargetModules,
    double Dropout,
    IReadOnlyList<int>? LayersToTransform,
    bool UseRsLora,
    string? BaseModelFingerprint)
{
    public const string FileName = "adapter_config.json";
    public const string FingerprintField = "base_model_fingerprint";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>lora_alpha / r (or lora_alpha / √r for rsLoRA).</summary>
    public double Scale => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    public bool AppliesTo(int layer) => LayersToTransform is null || LayersToTransform.Contains(layer);

    public static LoraAdapterConfig Load(string path)
    {
        string json;
        try
        {
            json = InputFiles.ReadAllText(path);
        }
        catch (InputFileException error)
        {
            throw new LoraAdapterException(path, "(file)", error.Problem == "not found" ? $"{FileName} not found" : error.Problem);
        }
        return Parse(json, path);
    }

    public static LoraAdapterConfig Parse(string json, string filePath)
    {
        JsonDocument document;
        try
        {
            document = CheckedJson.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new LoraAdapterException(filePath, "(document)", $"not valid JSON: {exception.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new LoraAdapterException(filePath, "(document)", "not a JSON object");
            }
            return Read(root, filePath);
        }
    }

    private static LoraAdapterConfig Read(JsonElement root, string filePath)
    {
        LoraAdapterException Fail(string field, string problem) => new(filePath, field, problem);

        var peftType = RequiredString(root, "peft_type", filePath);
        if (peftType != "LORA")
        {
            throw Fail("peft_type", $"only \"LORA\" adapters are supported, got \"{peftType}\"");
        }
        var baseModel = RequiredString(root, "base_model_name_or_path", filePath);

        if (!root.TryGetProperty("r", out var rankElement) || rankElement.ValueKind != JsonValueKind.Number
            || !rankElement.TryGetInt32(out var rank) || rank < 1)
        {
            throw Fail("r", "required: a positive integer rank");
        }
        var alpha = (double)rank;
        if (root.TryGetProperty("lora_alpha", out var alphaElement))
        {
            if (alphaElement.ValueKind != JsonValueKind.Number || !alphaElement.TryGetDouble(out alpha) || !double.IsFinite(alpha))
            {
                throw Fail("lora_alpha", $"expected a number, got {alphaElement.GetRawText()}");
            }
        }

        var targets = ReadTargets(root, filePath);
        var dropout = 0.0;
        if (root.TryGetProperty("lora_dropout", out var dropoutElement) && dropoutElement.ValueKind != JsonValueKind.Null)
        {
            if (dropoutElement.ValueKind != JsonValueKind.Number || !dropoutElement.TryGetDouble(out dropout) || dropout is < 0 or >= 1)
            {
                throw Fail("lora_dropout", $"expected a number in [0, 1), got {dropoutElement.GetRawText()}");
            }
        }

        if (root.TryGetProperty("bias", out var biasElement) && !(biasElement.ValueKind == JsonValueKind.String && biasElement.GetString() == "none"))
        {
            throw Fail("bias", $"only \"none\" is supported (biases are not adapted), got {biasElement.GetRawText()}");
        }
        RejectTrue(root, "fan_in_fan_out", "only false is supported (weights stored [out, in])", filePath);
        RejectTrue(root, "use_dora", "DoRA adapters are not supported", filePath);
        RejectNonEmpty(root, "modules_to_save", filePath);
        RejectNonEmpty(root, "rank_pattern", filePath);
        RejectNonEmpty(root, "alpha_pattern", filePath);
        var useRsLora = root.TryGetProperty("use_rslora", out var rsElement) && rsElement.ValueKind == JsonValueKind.True;

        IReadOnlyList<int>? layers = null;
        if (root.TryGetProperty("layers_to_transform", out var layersElement) && layersElement.ValueKind != JsonValueKind.Null)
        {
            layers = layersElement.ValueKind switch
            {
                JsonValueKind.Number when layersElement.TryGetInt32(out var single) && single >= 0 => [single],
                JsonValueKind.Array => layersElement.EnumerateArray()
                    .Select(entry => entry.ValueKind == JsonValueKind.Number && entry.TryGetInt32(out var layer) && layer >= 0
                        ? layer
                        : throw Fail("layers_to_transform", $"expected non-negative layer indices, got {entry.GetRawText()}"))
                    .Distinct().Order().ToArray(),
                _ => throw Fail("layers_to_transform", $"expected a layer index or a list of them, got {layersElement.GetRawText()}"),
            };
            if (layers.Count == 0)
            {
                throw Fail("layers_to_transform", "must not be empty");
            }
        }

        string? fingerprint = null;
        if (root.TryGetProperty(FingerprintField, out var fingerprintElement) && fingerprintElement.ValueKind != JsonValueKind.Null)
        {
            fingerprint = fingerprintElement.ValueKind == JsonValueKind.String && fingerprintElement.GetString() is { Length: > 0 } text
                ? text
                : throw Fail(FingerprintField, "expected a non-empty string");
        }
        return new LoraAdapterConfig(baseModel, rank, alpha, targets, dropout, layers, useRsLora, fingerprint);
    }

    private static IReadOnlyList<LoraTargetModule> ReadTargets(JsonElement root, string filePath)
    {
        var supported = string.Join(", ", LoraTargetModules.SupportedNames);
        if (!root.TryGetProperty("target_modules", out var element) || element.ValueKind != JsonValueKind.Array)
        {
            throw new LoraAdapterException(filePath, "target_modules",
                $"required: a list of module names (supported: {supported}); regular-expression strings are not supported");
        }
        var targets = new List<LoraTargetModule>();
        foreach (var entry in element.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String || !LoraTargetModules.TryParse(entry.GetString()!, out var module))
            {
                throw new LoraAdapterException(filePath, "target_modules", $"unsupported target module {entry.GetRawText()} (supported: {supported})");
            }
            if (!targets.Contains(module))
            {
                targets.Add(module);
            }
        }
        if (targets.Count == 0)
        {
            throw new LoraAdapterException(filePath, "target_modules", "must name at least one module");
        }
        return targets.Order().ToArray();
    }

    private static string RequiredString(JsonElement root, string field, string filePath) =>
        root.TryGetProperty(field, out var element) && element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text
            ? text
            : throw new LoraAdapterException(filePath, field, "required: a non-empty string");

    private static void RejectTrue(JsonElement root, string field, string problem, string filePath)
    {
        if (root.TryGetProperty(field, out var element) && element.ValueKind == JsonValueKind.True)
        {
            throw new LoraAdapterException(filePath, field, problem);
        }
    }

    private static void RejectNonEmpty(JsonElement root, string field, string filePath)
    {
        if (root.TryGetProperty(field, out var element)
            && !(element.ValueKind == JsonValueKind.Null
                || (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() == 0)
                || (element.ValueKind == JsonValueKind.Object && !element.EnumerateObject().Any())))
        {
            throw new LoraAdapterException(filePath, field, $"not supported by this engine, got {element.GetRawText()}");
        }
    }

    /// <summary>The adapter_config.json PEFT would write (plus <see cref="FingerprintField"/>).</summary>
    public string ToJson()
    {
        var node = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = BaseModelNameOrPath,
            ["r"] = Rank,
            ["lora_alpha"] = Alpha,
            ["lora_dropout"] = Dropout,
            ["target_modules"] = new JsonArray(TargetModules.Select(module => (JsonNode)module.PeftName()).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["use_rslora"] = UseRsLora,
            ["inference_mode"] = true,
        };
        if (LayersToTransform is not null)
        {
            node["layers_to_transform"] = new JsonArray(LayersToTransform.Select(layer => (JsonNode)layer).ToArray());
        }
        if (BaseModelFingerprint is not null)
        {
            node[FingerprintField] = BaseModelFingerprint;
        }
        return node.ToJsonString(Indented);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"LoRA r={Rank} alpha={Alpha} on {string.Join(",", TargetModules.Select(module => module.PeftName()))}");
}
