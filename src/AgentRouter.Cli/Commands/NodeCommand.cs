using System.CommandLine;
using System.Runtime.InteropServices;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Configuration;
using AgentRouter.Core.Presets;
using AgentRouter.Hosting;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.Security;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter node</c>: runs one cluster node until SIGTERM/SIGINT, then leaves the cluster
/// gracefully. Every option falls back to an <c>AGENTROUTER_*</c> environment variable (containers), read through
/// Microsoft.Extensions.Configuration into <see cref="NodeEnvironmentSettings"/>.</summary>
internal static class NodeCommand
{
    public static readonly Option<string> Roles = Env(new Option<string>("--roles") { Description = "Comma-separated roles: router, models (env AGENTROUTER_ROLES)." }, e => e.Roles, "router,models");
    public static readonly Option<string> Host = Env(new Option<string>("--host") { Description = "Address to bind (env AGENTROUTER_HOST)." }, e => e.Host, "127.0.0.1");
    public static readonly Option<string?> PublicHost = EnvNullable(new Option<string?>("--public-host") { Description = "Address other nodes use, when not --host (env AGENTROUTER_PUBLIC_HOST)." }, e => e.PublicHost);
    public static readonly Option<int> Port = Env(new Option<int>("--port") { Description = "Remoting port; fixed for nodes that restart (env AGENTROUTER_PORT)." }, e => e.Port, NodeEnvironment.DefaultPort);
    public static readonly Option<string?> Seeds = EnvNullable(new Option<string?>("--seeds") { Description = "Comma-separated seed nodes host:port; none founds a cluster (env AGENTROUTER_SEEDS)." }, e => e.Seeds);
    public static readonly Option<string?> Agents = EnvNullable(new Option<string?>("--agents") { Description = "Directory of agent manifests (models role; env AGENTROUTER_AGENTS)." }, e => e.Agents);
    public static readonly Option<string?> Redis = EnvNullable(new Option<string?>("--redis") { Description = "Redis configuration (host:port) for shared policy state; none keeps state per node (env AGENTROUTER_REDIS)." }, e => e.Redis);
    public static readonly Option<string> Policy = Env(new Option<string>("--policy") { Description = "Routing policy of the router (env AGENTROUTER_POLICY)." }, e => e.Policy, "ema");
    public static readonly Option<string?> PolicyPreset = EnvNullable(new Option<string?>("--policy-preset") { Description = "A policy preset (name in --policies, or a file) instead of --policy (env AGENTROUTER_POLICY_PRESET)." }, e => e.PolicyPreset);
    public static readonly Option<string?> Policies = EnvNullable(new Option<string?>("--policies") { Description = "Directory of policy presets (env AGENTROUTER_POLICIES); default: ./policies when present, else the presets shipped with the program." }, e => e.Policies);
    public static readonly Option<string> RouterName = Env(new Option<string>("--router-name") { Description = "Router name; routers sharing a name share policy state (env AGENTROUTER_ROUTER)." }, e => e.Router, "default");
    public static readonly Option<int> Panel = Env(new Option<int>("--panel") { Description = "Panel size (env AGENTROUTER_PANEL)." }, e => e.Panel, 3);
    public static readonly Option<string?> NodeId = EnvNullable(new Option<string?>("--node-id") { Description = "Stable node id (Redis consumer names); default host-port (env AGENTROUTER_NODE_ID)." }, e => e.NodeId);
    public static readonly Option<bool> FastFailureDetection = new("--fast-failure-detection") { Description = "Notice dead nodes in about a second (loopback clusters, benchmarks)." };
    public static readonly Option<string?> HttpUrls = EnvNullable(new Option<string?>("--http-urls") { Description = $"Run the OpenAI-compatible HTTP server on this router node at these comma-separated URLs, e.g. {ServerOptions.DefaultUrl}; beyond loopback it requires API keys (env AGENTROUTER_HTTP_URLS)." }, e => e.HttpUrls);
    public static readonly Option<string[]> ApiKeys = new("--api-key") { Description = "A bearer API key HTTP clients must present (repeatable). Prefer AGENTROUTER_API_KEYS (comma-separated): command lines are visible to other users." };
    public static readonly Option<string?> StatusFile = new("--status-file") { Description = "Rewrite this file with the node's status (JSON) every second." };

    public static Command Build()
    {
        var command = new Command("node", "Run one AgentRouter cluster node (roles router and/or models) until SIGTERM.");
        foreach (var option in new Option[] { Roles, Host, PublicHost, Port, Seeds, Agents, Redis, Policy, PolicyPreset, Policies, RouterName, Panel, NodeId, HttpUrls, ApiKeys, FastFailureDetection, StatusFile })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, cancellationToken));
        return command;
    }

    /// <summary>Node options from the command line; errors (as <see cref="ManifestValidationException"/>) name the option.</summary>
    public static ClusterNodeOptions ReadOptions(ParseResult parseResult, RouterSettings router)
    {
        var roles = Split(parseResult.GetValue(Roles));
        var runtime = new AgentRouterOptions { AgentsDirectory = parseResult.GetValue(Agents) };
        if (roles.Contains("models") && runtime.AgentsDirectory is null)
        {
            throw new ManifestValidationException([new ManifestError("--agents", "agents", "a models node needs --agents DIR (or AGENTROUTER_AGENTS)")]);
        }

        if (parseResult.GetValue(PolicyPreset) is { } presetName)
        {
            var preset = PolicyPresetLoader.Load(presetName, parseResult.GetValue(Policies) ?? PolicyPresetLoader.DefaultDirectory());
            runtime.AddRouter(router, preset.Policy, preset.ToSettings());
        }
        else
        {
            runtime.AddRouter(router, parseResult.GetValue(Policy)!);
        }

        var redis = parseResult.GetValue(Redis);
        return new ClusterNodeOptions(
            roles,
            runtime,
            Hostname: parseResult.GetValue(Host)!,
            Port: parseResult.GetValue(Port),
            Seeds: Split(parseResult.GetValue(Seeds)),
            SharedState: string.IsNullOrWhiteSpace(redis) ? null : new SharedStateOptions(redis),
            PublicHostname: parseResult.GetValue(PublicHost),
            NodeId: parseResult.GetValue(NodeId),
            Tuning: parseResult.GetValue(FastFailureDetection) ? ClusterTuning.Fast : ClusterTuning.Production);
    }

    /// <summary>The HTTP server's options of a router node, or null without <c>--http-urls</c>. The security rules
    /// are <c>serve</c>'s: checked again when the server starts (loopback only unless API keys are configured).</summary>
    public static ServerOptions? ReadServerOptions(ParseResult parseResult, IReadOnlyList<string> roles)
    {
        var urls = Split(parseResult.GetValue(HttpUrls)?.Replace(';', ','));
        if (urls.Count == 0)
        {
            return null;
        }

        if (!roles.Contains(NodeRoles.Router))
        {
            throw new ManifestValidationException([new ManifestError("--http-urls", "http-urls", "the HTTP server runs on a router node; add the router role (--roles router)")]);
        }

        var options = new ServerOptions { PanelSize = parseResult.GetValue(Panel) };
        options.Urls.Clear();
        options.Urls.AddRange(urls);
        options.ApiKeys.AddRange(parseResult.GetValue(ApiKeys) ?? []);
        options.WithEnvironmentKeys();
        try
        {
            // Refused before the node joins, so that a bad binding never leaves a half-started member behind.
            BindingGuard.Check(options.Urls, options.ApiKeys);
        }
        catch (InvalidOperationException e)
        {
            throw new ManifestValidationException([new ManifestError("--http-urls", "http-urls", e.Message)]);
        }

        return options;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ClusterNodeOptions options;
        ServerOptions? serverOptions;
        ClusterNode node;
        try
        {
            options = ReadOptions(parseResult, new RouterSettings(parseResult.GetValue(RouterName)!, PanelSize: parseResult.GetValue(Panel)));
            serverOptions = ReadServerOptions(parseResult, options.Roles);

            node = await AgentRouterHost.StartNodeAsync(options, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is ManifestValidationException or PolicyPresetException)
        {
            await Console.Error.WriteLineAsync($"node not started: {e.Message}");
            return 2;
        }

        AgentRouterServer? server = null;
        if (serverOptions is not null)
        {
            try
            {
                serverOptions.Backend = ServerBackend.ForRouterNode(node.Client!, options.Runtime.Routers, node.DefaultRouter!);
                server = await AgentRouterHost.StartServerAsync(serverOptions, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
            {
                await Console.Error.WriteLineAsync($"node not started: HTTP server failed: {e.Message}");
                await node.DisposeAsync();
                return 2;
            }

            Console.WriteLine($"HTTP endpoint: {server.BaseAddress} (models: {string.Join(", ", server.Runtime.Catalog.Entries.Select(m => m.Id))})");
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });
        Console.WriteLine($"node {node.NodeId} started at {node.Cluster.SelfAddress} roles={string.Join(",", options.Roles)} shared-state={(options.SharedState is null ? "in-memory" : options.SharedState.Redis)}");
        var statusFile = parseResult.GetValue(StatusFile);
        var lastPrinted = "";
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var ended = Task.WhenAny(stop.Task, node.System.WhenTerminated);
        while (!ended.IsCompleted)
        {
            var status = await NodeStatus.CaptureAsync(node);
            var summary = $"up={status.Up} members={status.Members.Count} unreachable={status.Unreachable.Count} agents={string.Join(",", status.Agents.Keys.Order())} degraded={status.SharedState?.Degraded ?? false}";
            if (summary != lastPrinted)
            {
                Console.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {summary}");
                lastPrinted = summary;
            }

            if (statusFile is not null)
            {
                var temporary = statusFile + ".tmp";
                await File.WriteAllTextAsync(temporary, status.ToJson(), CancellationToken.None);
                File.Move(temporary, statusFile, overwrite: true);
            }

            await Task.WhenAny(ended, timer.WaitForNextTickAsync(CancellationToken.None).AsTask());
        }

        if (server is not null)
        {
            // The server drains its requests first; they need the node.
            await server.DisposeAsync();
        }

        Console.WriteLine($"node {node.NodeId} leaving the cluster");
        await node.DisposeAsync();
        return 0;
    }

    public static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static Option<string> Env(Option<string> option, Func<NodeEnvironmentSettings, string?> variable, string fallback)
    {
        option.DefaultValueFactory = _ => variable(FromEnvironment()) is { Length: > 0 } value ? value : fallback;
        return option;
    }

    private static Option<int> Env(Option<int> option, Func<NodeEnvironmentSettings, int?> variable, int fallback)
    {
        option.DefaultValueFactory = _ => variable(FromEnvironment()) ?? fallback;
        return option;
    }

    private static Option<string?> EnvNullable(Option<string?> option, Func<NodeEnvironmentSettings, string?> variable)
    {
        option.DefaultValueFactory = _ => variable(FromEnvironment()) is { Length: > 0 } value ? value : null;
        return option;
    }

    /// <summary>The node's <c>AGENTROUTER_*</c> variables through configuration; a value of the wrong type is a usage
    /// error naming its key.</summary>
    private static NodeEnvironmentSettings FromEnvironment()
    {
        try
        {
            return NodeEnvironmentSettings.From();
        }
        catch (InvalidOperationException e)
        {
            throw new ManifestValidationException([new ManifestError("environment", AgentRouterEnvironment.Prefix + "*", e.Message)]);
        }
    }
}
