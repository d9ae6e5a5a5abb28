using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using AgentRouter.SemanticKernel.Remote;
using System.Text.Json.Nodes;

namespace AgentRouter.Harness;

/// <summary>How the in-process runtime behind routed mode (and collection mode over manifests) is made.</summary>
/// <param name="Policy">A policy name (<see cref="PolicyCatalog"/>) or a preset file (*.json).</param>
public sealed record HarnessRuntimeOptions(string Policy = "ema", int PanelSize = 1, string Merge = "majority", TimeSpan? AgentDeadline = null);

/// <summary>What the actor runtime a harness run routes through runs: agents from a manifest directory (any kind the
/// composition registers: simulated, remote, local, llamacpp, recorded) or one remote agent per endpoint model; one
/// router with the chosen policy (<c>harness</c>) and one fixed router per agent (<c>agent:NAME</c>). The caller
/// starts it through the composition root (<c>AgentRouterHost.StartRuntimeAsync</c>), which knows the backend kinds.</summary>
public static class HarnessRuntime
{
    public const string RouterName = "harness";

    /// <summary>The environment variable the remote agents read the endpoint key from (the remote backend reads keys from the environment only).</summary>
    public const string ApiKeyVariable = "AGENTROUTER_HARNESS_API_KEY";

    public static AgentRouterOptions Options(HarnessRunOptions run, HarnessRuntimeOptions routing, string? agentsDirectory, IReadOnlyList<string>? endpointModels)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(routing);
        var options = new AgentRouterOptions { SystemName = "agentrouter-harness" };
        var names = new List<string>();
        if (agentsDirectory is not null)
        {
            options.AgentsDirectory = agentsDirectory;
            names.AddRange(AgentManifestLoader.LoadDirectory(agentsDirectory).Manifests.Select(m => m.Name));
        }

        if (run.Endpoint is { } endpoint && endpointModels is not null)
        {
            if (!string.IsNullOrEmpty(run.ApiKey))
            {
                Environment.SetEnvironmentVariable(ApiKeyVariable, run.ApiKey);
            }

            foreach (var model in endpointModels)
            {
                var settings = new JsonObject { ["endpoint"] = endpoint.AbsoluteUri, ["model"] = model, ["maxRetries"] = (run.Retry ?? new RetryPolicy()).MaxRetries };
                if (!string.IsNullOrEmpty(run.ApiKey))
                {
                    settings["apiKeyEnv"] = ApiKeyVariable;
                }

                options.AddAgent(new AgentManifest(model, RemoteBackendRegistration.Kind, [], run.Prices?.GetValueOrDefault(model) ?? CostModel.Free, 2000,
                    run.Concurrency, 4096, null, JsonNode.Parse(settings.ToJsonString())!.AsObject()));
                names.Add(model);
            }
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("routed mode needs agents: --agents DIR or --endpoint URL");
        }

        var deadline = routing.AgentDeadline ?? TimeSpan.FromMinutes(2);
        var settingsBase = new RouterSettings(RouterName, routing.PanelSize, routing.Merge, deadline, deadline * 2, MaxRetries: 1);
        if (routing.Policy.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            options.AddRouterFromPreset(settingsBase, Path.GetFullPath(routing.Policy));
        }
        else
        {
            options.AddRouter(settingsBase, routing.Policy);
        }

        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            options.AddRouter(settingsBase with { Name = "agent:" + name, PanelSize = 1, MaxRetries = 0 }, "fixed",
                new PolicySettings(Parameters: new JsonObject { ["agent"] = name }));
        }

        return options;
    }

    public static IReadOnlyList<string> AgentNames(AgentRouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Routers.Where(r => r.Settings.Name.StartsWith("agent:", StringComparison.Ordinal)).Select(r => r.Settings.Name["agent:".Length..]).ToList();
    }
}
