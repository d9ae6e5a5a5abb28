using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;
using AgentRouter.Inference.Hosting;
using static TorchSharp.torch;

namespace AgentRouter.LocalAgents;

/// <summary>The <c>settings</c> of a <c>"backend": "local"</c> manifest.</summary>
/// <param name="ModelDirectory">The checkpoint folder (HF layout), resolved against the manifest's folder.</param>
/// <param name="WorkingTokens">How many tokens of working text to generate after the chosen letter.</param>
/// <param name="AdapterDirectory">A PEFT LoRA adapter folder over <paramref name="ModelDirectory"/> (the base), resolved
/// against the manifest's folder; null runs the base model itself.</param>
/// <param name="SharedKvCache">Whether the agent keeps its KV cache in the process's shared block pool (<c>"kvCache": "shared"</c>,
/// the default: prompts already prefilled by any agent on the same weights are reused, results unchanged) or computes a
/// private one per request (<c>"private"</c>).</param>
/// <param name="LowRankKvCache"><c>"kvCache": "low-rank"</c> (adapter agents only, opt-in): LRAgent-style sharing with the other
/// low-rank agents on the same base — the base K/V of a prompt is prefilled once, each agent keeps only its rank-r part.
/// Approximate: the agent's answers may differ from its exact ones.</param>
/// <param name="DType">The parameters' dtype (<c>"dtype"</c>: fp32, the default, bf16 or fp16); on the CPU a checkpoint stored in
/// it is memory-mapped rather than copied.</param>
/// <param name="Device">The device (<c>"device"</c>: cpu, cuda, cuda:N); null picks CUDA when libtorch sees it, else the CPU.</param>
/// <param name="Chat">Whether the agent chats (template → generation → text; <c>"mode": "chat"</c>) or reads an option letter off the
/// logits (<c>"choice"</c>); null decides by the folder: a tokenizer with a chat template makes a chat agent.</param>
/// <param name="SystemPrompt">A chat agent's system message, put first unless the request brings its own.</param>
/// <param name="MaxNewTokens">A chat agent's answer length when the request does not say (max_tokens).</param>
public sealed record LocalBackendSettings(string ModelDirectory, int WorkingTokens, int Capacity, string? AdapterDirectory = null, bool SharedKvCache = true,
    bool LowRankKvCache = false, ScalarType DType = ScalarType.Float32, string? Device = null, bool? Chat = null, string? SystemPrompt = null,
    int? MaxNewTokens = null)
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "adapterPath", "modelPath", "workingTokens", "kvCache", "dtype", "device", "mode", "systemPrompt", "maxNewTokens",
    };

    /// <summary>Reads and checks the settings; problems are added to <paramref name="errors"/> naming the manifest file
    /// and field, and null is returned.</summary>
    public static LocalBackendSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        var file = manifest.SourceFile ?? manifest.Name;
        var before = errors.Count;
        foreach (var (key, _) in manifest.Settings)
        {
            if (!Known.Contains(key))
            {
                errors.Add(new ManifestError(file, $"settings.{key}", $"unknown local-backend setting (known: {string.Join(", ", Known.Order())})"));
            }
        }

        var manifestDirectory = manifest.SourceFile is { } source ? Path.GetDirectoryName(Path.GetFullPath(source))! : Environment.CurrentDirectory;
        string? modelDirectory = null;
        if (manifest.Settings["modelPath"] is JsonValue pathValue && pathValue.TryGetValue<string>(out var path) && path.Length > 0)
        {
            modelDirectory = Path.GetFullPath(Path.Combine(manifestDirectory, path));
        }
        else
        {
            errors.Add(new ManifestError(file, "settings.modelPath", "required: the model's checkpoint folder, relative to the manifest"));
        }

        string? adapterDirectory = null;
        if (manifest.Settings["adapterPath"] is { } adapterNode)
        {
            if (adapterNode is JsonValue adapterValue && adapterValue.TryGetValue<string>(out var adapterPath) && adapterPath.Length > 0)
            {
                adapterDirectory = Path.GetFullPath(Path.Combine(manifestDirectory, adapterPath));
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.adapterPath", "must be a non-empty path: a LoRA adapter folder, relative to the manifest"));
            }
        }

        var workingTokens = 8;
        if (manifest.Settings["workingTokens"] is { } tokensNode)
        {
            if (tokensNode is JsonValue tokensValue && tokensValue.TryGetValue<int>(out var tokens) && tokens is >= 0 and <= 256)
            {
                workingTokens = tokens;
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.workingTokens", "must be an integer in [0, 256]"));
            }
        }

        var sharedKvCache = true;
        var lowRankKvCache = false;
        if (manifest.Settings["kvCache"] is { } kvNode)
        {
            if (kvNode is JsonValue kvValue && kvValue.TryGetValue<string>(out var mode) && mode is "shared" or "private" or "low-rank")
            {
                sharedKvCache = mode == "shared";
                lowRankKvCache = mode == "low-rank";
                if (lowRankKvCache && manifest.Settings["adapterPath"] is null)
                {
                    errors.Add(new ManifestError(file, "settings.kvCache", "\"low-rank\" shares a base's K/V among LoRA agents: it needs settings.adapterPath"));
                }
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.kvCache", "must be \"shared\", \"private\" or \"low-rank\""));
            }
        }

        var dtype = ScalarType.Float32;
        if (manifest.Settings["dtype"] is { } dtypeNode)
        {
            try
            {
                dtype = InferenceDType.Parse(dtypeNode is JsonValue dtypeValue && dtypeValue.TryGetValue<string>(out var dtypeText) ? dtypeText : dtypeNode.ToJsonString());
            }
            catch (ArgumentException exception)
            {
                errors.Add(new ManifestError(file, "settings.dtype", FirstSentence(exception)));
            }
        }

        string? device = null;
        if (manifest.Settings["device"] is { } deviceNode)
        {
            if (deviceNode is JsonValue deviceValue && deviceValue.TryGetValue<string>(out var deviceText) && deviceText.Length > 0)
            {
                device = deviceText;
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.device", "must be a device name: \"cpu\", \"cuda\" or \"cuda:N\""));
            }
        }

        bool? chat = null;
        if (manifest.Settings["mode"] is { } modeNode)
        {
            if (modeNode is JsonValue modeValue && modeValue.TryGetValue<string>(out var modeText) && modeText is "chat" or "choice")
            {
                chat = modeText == "chat";
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.mode", "must be \"chat\" (answer in text through the chat template) or \"choice\" (read the option letter off the logits)"));
            }
        }

        string? systemPrompt = null;
        if (manifest.Settings["systemPrompt"] is { } systemNode)
        {
            if (systemNode is JsonValue systemValue && systemValue.TryGetValue<string>(out var systemText) && systemText.Length > 0)
            {
                systemPrompt = systemText;
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.systemPrompt", "must be a non-empty string"));
            }
        }

        int? maxNewTokens = null;
        if (manifest.Settings["maxNewTokens"] is { } maxNode)
        {
            if (maxNode is JsonValue maxValue && maxValue.TryGetValue<int>(out var max) && max >= 1)
            {
                maxNewTokens = max;
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.maxNewTokens", "must be an integer of at least 1"));
            }
        }

        return errors.Count == before && modelDirectory is not null
            ? new LocalBackendSettings(modelDirectory, workingTokens, manifest.Capacity, adapterDirectory, sharedKvCache, lowRankKvCache, dtype, device,
                chat, systemPrompt, maxNewTokens)
            : null;
    }

    /// <summary>An ArgumentException's message without the " (Parameter 'x')" suffix .NET appends.</summary>
    internal static string FirstSentence(ArgumentException exception) =>
        exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message;
}
