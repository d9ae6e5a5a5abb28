using AgentRouter.Actors;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Agents;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.Templates;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;

namespace AgentRouter.LocalAgents;

/// <summary>Makes manifests with <c>"backend": "local"</c> start. The model is loaded while the manifest is resolved,
/// so missing or corrupt weights are manifest errors before any query is served; agents naming the same folder
/// share one loaded model, and agents whose adapters name the same base share that base's loaded weights and torch thread.</summary>
public static class LocalBackendRegistration
{
    public const string Kind = "local";

    /// <summary>Registers kind <c>local</c>; models load through <paramref name="hosts"/> (one shared load per folder).</summary>
    public static AgentRouterBuilder AddLocalBackends(this AgentRouterBuilder builder, SharedModelHosts hosts)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hosts);
        return builder.AddBackend(Kind, Factory(hosts));
    }

    /// <summary>The <see cref="BackendFactory"/> of kind <c>local</c> over <paramref name="hosts"/>.</summary>
    public static BackendFactory Factory(SharedModelHosts hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return (manifest, errors) => Create(manifest, errors, hosts);
    }

    private static IModelBackend? Create(AgentManifest manifest, List<ManifestError> errors, SharedModelHosts hosts)
    {
        if (LocalBackendSettings.FromManifest(manifest, errors) is not { } settings)
        {
            return null;
        }

        var file = manifest.SourceFile ?? manifest.Name;
        TorchSharp.torch.Device? device = null;
        if (settings.Device is { } deviceName)
        {
            try
            {
                device = InferenceDevice.Parse(deviceName);
            }
            catch (ArgumentException exception)
            {
                errors.Add(new ManifestError(file, "settings.device", LocalBackendSettings.FirstSentence(exception)));
                return null;
            }
        }
        Inference.Hosting.ModelHost host;
        try
        {
            host = hosts.Get(settings.ModelDirectory, device, settings.DType);
        }
        catch (Exception exception) when (exception is CheckpointException or ModelConfigException or SafetensorsFormatException or IOException)
        {
            errors.Add(new ManifestError(file, "settings.modelPath", $"cannot load the model at '{settings.ModelDirectory}': {exception.Message}"));
            return null;
        }

        if (settings.Chat ?? ChatCheckpoint.HasChatTemplate(settings.ModelDirectory))
        {
            return CreateChat(manifest, settings, host, device, hosts, errors);
        }

        if (host.Config.VocabSize < Inference.Tokenization.ByteLevelTokenizer.VocabularySize)
        {
            // Refused here rather than failing every request later: this backend encodes prompts byte by byte.
            errors.Add(new ManifestError(file, "settings.modelPath",
                $"the model at '{settings.ModelDirectory}' has a vocabulary of {host.Config.VocabSize}, smaller than the {Inference.Tokenization.ByteLevelTokenizer.VocabularySize} byte-level ids this agent's tokenizer produces: no tokenizer fits it"));
            return null;
        }

        LoraAdapter? adapter = null;
        if (settings.AdapterDirectory is { } adapterDirectory)
        {
            try
            {
                adapter = host.LoadAdapterAsync(adapterDirectory).GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is LoraAdapterException or IOException)
            {
                errors.Add(new ManifestError(file, "settings.adapterPath",
                    $"cannot use the LoRA adapter at '{adapterDirectory}' over the base model at '{settings.ModelDirectory}': {exception.Message}"));
                return null;
            }
        }
        var sharedKv = settings.SharedKvCache ? hosts.SharedKv(settings.ModelDirectory, settings.AdapterDirectory, adapter, device, settings.DType) : null;
        LowRankKvGroup? lowRank = null;
        if (settings.LowRankKvCache && adapter is not null)
        {
            try
            {
                lowRank = hosts.LowRankGroup(settings.ModelDirectory, device, settings.DType);
                lowRank.Register(adapter);
            }
            catch (LowRankSharingException exception)
            {
                errors.Add(new ManifestError(file, "settings.kvCache", $"\"low-rank\" cannot be used over '{settings.ModelDirectory}': {exception.Message}"));
                return null;
            }
        }
        return new LocalModelBackend(host, settings, manifest.Cost, adapter, sharedKv, lowRank);
    }

    private static LocalChatBackend? CreateChat(AgentManifest manifest, LocalBackendSettings settings, ModelHost host, TorchSharp.torch.Device? device,
        SharedModelHosts hosts, List<ManifestError> errors)
    {
        var file = manifest.SourceFile ?? manifest.Name;
        if (settings.AdapterDirectory is not null || settings.LowRankKvCache)
        {
            errors.Add(new ManifestError(file, settings.AdapterDirectory is not null ? "settings.adapterPath" : "settings.kvCache",
                "chat agents run a checkpoint as it is: LoRA adapters and low-rank KV sharing are for \"choice\" agents"));
            return null;
        }
        ChatCheckpoint chat;
        try
        {
            chat = hosts.Chat(settings.ModelDirectory, host.Config);
        }
        catch (Exception exception) when (exception is TokenizerLoadException or ChatTemplateException or ModelConfigException or IOException)
        {
            errors.Add(new ManifestError(file, "settings.modelPath", $"cannot chat with the model at '{settings.ModelDirectory}': {exception.Message}"));
            return null;
        }
        var sharedKv = settings.SharedKvCache ? hosts.SharedKv(settings.ModelDirectory, null, null, device, settings.DType) : null;
        return new LocalChatBackend(host, chat, settings, manifest.Cost, sharedKv);
    }
}
