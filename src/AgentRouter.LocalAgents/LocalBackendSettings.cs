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
    /// <summary>Reads and checks the settings; problems are added to <paramref name="errors"/> naming the manifest file
    /// and field, and null is returned.</summary>
    public static LocalBackendSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        var settings = AgentManifestLoader.Settings(manifest, errors);
        var before = settings.ProblemCount;
        var modelPath = settings.String("modelPath", required: true);
        var adapterPath = settings.String("adapterPath");
        var workingTokens = settings.Int("workingTokens", 8, 0, 256);
        var kvCache = settings.Choice("kvCache", "shared", "shared", "private", "low-rank");
        if (kvCache == "low-rank" && adapterPath is null)
        {
            settings.Fail("kvCache", "\"low-rank\" shares a base's K/V among LoRA agents: it needs settings.adapterPath");
        }

        var dtypeText = settings.String("dtype");
        var dtype = ScalarType.Float32;
        if (dtypeText is not null)
        {
            try
            {
                dtype = InferenceDType.Parse(dtypeText);
            }
            catch (ArgumentException exception)
            {
                settings.Fail("dtype", FirstSentence(exception));
            }
        }

        var device = settings.String("device");
        var mode = settings.Has("mode") ? settings.Choice("mode", "choice", "chat", "choice") : null;
        var systemPrompt = settings.String("systemPrompt");
        int? maxNewTokens = settings.Has("maxNewTokens") ? settings.Int("maxNewTokens", 1, 1) : null;

        settings.RejectUnknownFields("local-backend setting");
        return settings.ProblemCount == before && modelPath is not null
            ? new LocalBackendSettings(
                manifest.ResolvePath(modelPath),
                workingTokens,
                manifest.Capacity,
                adapterPath is null ? null : manifest.ResolvePath(adapterPath),
                SharedKvCache: kvCache == "shared",
                LowRankKvCache: kvCache == "low-rank",
                DType: dtype,
                Device: device,
                Chat: mode is null ? null : mode == "chat",
                SystemPrompt: systemPrompt,
                MaxNewTokens: maxNewTokens)
            : null;
    }

    /// <summary>An ArgumentException's message without the " (Parameter 'x')" suffix .NET appends.</summary>
    internal static string FirstSentence(ArgumentException exception) =>
        exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message;
}
