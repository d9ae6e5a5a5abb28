using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Actors.Backends;
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

    public static AgentRouterOptions AddLocalBackends(this AgentRouterOptions options, SharedModelHosts hosts)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hosts);
        options.BackendFactories[Kind] = (manifest, errors) => Create(manifest, errors, hosts);
        return options;
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
