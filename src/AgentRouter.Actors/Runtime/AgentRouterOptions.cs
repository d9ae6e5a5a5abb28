using AgentRouter.Core.Backends;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Configuration;
using AgentRouter.Actors.Routing;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;

namespace AgentRouter.Actors.Runtime;

/// <summary>A router to run: its settings and the policy it owns.</summary>
/// <param name="Policy">A name known to <see cref="PolicyCatalog"/>; ignored when <paramref name="Preset"/> is given.</param>
/// <param name="Preset">A policy preset (a name in <see cref="AgentRouterOptions.PoliciesDirectory"/> or a file path).</param>
public sealed record RouterDefinition(RouterSettings Settings, string Policy, PolicySettings? PolicySettings = null, string? Preset = null);

/// <summary>What the actor runtime runs (how each backend kind, merge strategy and policy is built is the
/// composition root's: <see cref="AgentRouterComposition"/>). Agents come from <see cref="AgentsDirectory"/>
/// (<c>agents/*.json</c>) and/or <see cref="AddAgent"/>; routers from <see cref="AddRouter"/> (one router
/// named <c>default</c> with the <c>ema</c> policy when none is added).</summary>
public sealed class AgentRouterOptions
{
    /// <summary>Default: <c>agentrouter.system-name</c> in reference.conf.</summary>
    public string SystemName { get; set; } = AgentRouterRuntimeSettings.Default.SystemName;

    /// <summary>Directory of agent manifests, read and schema-checked at start-up.</summary>
    public string? AgentsDirectory { get; set; }

    public List<AgentManifest> Agents { get; } = [];

    /// <summary>Directory of policy presets (<c>policies/*.json</c>); every file in it is schema-checked at
    /// start-up, and routers may name a preset from it.</summary>
    public string? PoliciesDirectory { get; set; }

    /// <summary>Backends supplied in code, by agent name; they take precedence over the backend factory of the
    /// manifest's kind (registered on the composition root, <see cref="AgentRouterBuilder.AddBackend(string, BackendFactory)"/>).</summary>
    public Dictionary<string, IModelBackend> Backends { get; } = new(StringComparer.Ordinal);

    public List<RouterDefinition> Routers { get; } = [];

    /// <summary>Restart backoff of every agent actor.</summary>
    public RestartBackoff Backoff { get; set; } = RestartBackoff.Default;

    /// <summary>The agent that performs LLM merges (by name), or null: LLM merges then always fall back.</summary>
    public string? LlmMergeAgent { get; set; }

    /// <summary>Default: <c>agentrouter.merge.fallback-strategy</c> in reference.conf.</summary>
    public string FallbackMergeStrategy { get; set; } = AgentRouterRuntimeSettings.Default.Merge.FallbackStrategy;

    public TimeSpan? LlmMergeTimeout { get; set; }

    /// <summary>Extra HOCON, applied over the runtime's defaults (reference.conf), e.g.
    /// <c>agentrouter.feedback.ask-timeout = 5s</c>.</summary>
    public string? Hocon { get; set; }

    public AgentRouterOptions AddAgent(AgentManifest manifest, IModelBackend? backend = null)
    {
        Agents.Add(manifest);
        if (backend is not null)
        {
            Backends[manifest.Name] = backend;
        }

        return this;
    }

    public AgentRouterOptions AddRouter(RouterSettings settings, string policy, PolicySettings? policySettings = null)
    {
        Routers.Add(new RouterDefinition(settings, policy, policySettings));
        return this;
    }

    /// <summary>Adds a router whose policy comes from a preset in <see cref="PoliciesDirectory"/> (or a file path).</summary>
    public AgentRouterOptions AddRouterFromPreset(RouterSettings settings, string preset)
    {
        Routers.Add(new RouterDefinition(settings, "", Preset: preset));
        return this;
    }

    /// <summary>A code-declared agent with default capacity, for tests and embedding.</summary>
    public static AgentManifest Manifest(string name, string backend = "simulated", double expectedLatencyMs = 1000, int capacity = 1024, int queueLimit = 1024, double costPerCall = 0) =>
        new(name, backend, [], new CostModel(PerCall: costPerCall), expectedLatencyMs, capacity, queueLimit, null, []);
}
