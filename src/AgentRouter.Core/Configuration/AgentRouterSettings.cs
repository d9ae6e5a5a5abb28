using Microsoft.Extensions.Configuration;

namespace AgentRouter.Core.Configuration;

/// <summary>The product-wide settings a process takes from its environment (<c>AGENTROUTER_*</c>, see
/// <see cref="AgentRouterEnvironment"/>); null where unset. A cluster node's own variables are
/// <c>NodeEnvironmentSettings</c> in AgentRouter.Cluster.</summary>
public sealed class AgentRouterSettings
{
    /// <summary><c>AGENTROUTER_POLICIES</c>: the policy preset folder.</summary>
    [ConfigurationKeyName("POLICIES")]
    public string? Policies { get; set; }

    /// <summary><c>AGENTROUTER_EMBEDDING_CACHE</c>: where sentence embeddings are cached.</summary>
    [ConfigurationKeyName("EMBEDDING_CACHE")]
    public string? EmbeddingCache { get; set; }

    /// <summary><c>AGENTROUTER_DATA_CACHE</c>: where <c>agentrouter data fetch</c> keeps data sets.</summary>
    [ConfigurationKeyName("DATA_CACHE")]
    public string? DataCache { get; set; }

    /// <summary><c>AGENTROUTER_API_KEYS</c>: bearer keys of the HTTP server, comma-separated.</summary>
    [ConfigurationKeyName("API_KEYS")]
    public string? ApiKeys { get; set; }

    /// <summary><c>AGENTROUTER_DEVICE</c>: <c>cpu</c> forces local models onto the CPU where CUDA is available.</summary>
    [ConfigurationKeyName("DEVICE")]
    public string? Device { get; set; }

    /// <summary><c>AGENTROUTER_MODEL_MEMORY_BUDGET_MB</c>: the most memory one local model's parameters may take.</summary>
    [ConfigurationKeyName("MODEL_MEMORY_BUDGET_MB")]
    public long? ModelMemoryBudgetMebibytes { get; set; }

    /// <summary><c>AGENTROUTER_HARNESS_API_KEY</c>: the key <c>agentrouter harness run</c> presents when <c>--api-key</c> is not
    /// given (OPENAI_API_KEY, the client libraries' own convention, is the last fallback).</summary>
    [ConfigurationKeyName("HARNESS_API_KEY")]
    public string? HarnessApiKey { get; set; }

    /// <summary>The process's settings, read from its environment now.</summary>
    public static AgentRouterSettings FromEnvironment() => AgentRouterEnvironment.Bind<AgentRouterSettings>();

    /// <summary>The settings <paramref name="configuration"/> holds (keys as after the prefix, e.g. <c>POLICIES</c>).</summary>
    public static AgentRouterSettings From(IConfiguration configuration) => AgentRouterEnvironment.Bind<AgentRouterSettings>(configuration);
}
