using System.ClientModel;
using System.ClientModel.Primitives;
using AgentRouter.Actors;
using AgentRouter.Core.Backends;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentRouter.SemanticKernel.Remote;

/// <summary>Makes manifests with <c>"backend": "remote"</c> start: each gets a <see cref="RemoteChatBackend"/>
/// over an OpenAI-compatible chat client (or a client of the caller's making).</summary>
public static class RemoteBackendRegistration
{
    public const string Kind = "remote";

    /// <param name="clientFactory">Builds the chat client of an agent; default: the OpenAI .NET SDK pointed at
    /// the manifest's endpoint, with its own retries off (the backend retries, with backoff).</param>
    public static AgentRouterBuilder AddRemoteBackends(this AgentRouterBuilder builder, Func<RemoteAgentSettings, IChatClient>? clientFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddBackend(Kind, Factory(clientFactory));
    }

    /// <summary>The <see cref="BackendFactory"/> of kind <c>remote</c>.</summary>
    public static BackendFactory Factory(Func<RemoteAgentSettings, IChatClient>? clientFactory = null)
    {
        clientFactory ??= CreateOpenAiClient;
        return (manifest, errors) =>
            RemoteAgentSettings.FromManifest(manifest, errors) is { } settings
                ? new RemoteChatBackend(clientFactory(settings), settings)
                : null;
    }

    public static IChatClient CreateOpenAiClient(RemoteAgentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = settings.ApiKeyEnvironmentVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = settings.Deadline,
        };

        // Servers without authentication (a local Ollama) ignore the header; the SDK insists on a credential.
        return new OpenAI.Chat.ChatClient(settings.Model, new ApiKeyCredential(string.IsNullOrEmpty(key) ? "no-key" : key), clientOptions).AsIChatClient();
    }
}
