using System.CommandLine;
using AgentRouter.Core.Agents;
using AgentRouter.Hosting;
using AgentRouter.Server.Hosting;
using Microsoft.Extensions.Hosting;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter serve</c>: the OpenAI-compatible HTTP server over an in-process runtime hosting agents of
/// every shipped backend kind (simulated, remote, local, llamacpp, recorded), loopback only unless API keys are configured.</summary>
internal static class ServeCommand
{
    public static Command Build()
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Listen URLs (default {ServerOptions.DefaultUrl}; port 0 picks a free port). Anything beyond loopback requires API keys.",
            AllowMultipleArgumentsPerToken = true,
        };
        var apiKeys = new Option<string[]>("--api-key")
        {
            Description = "A bearer API key clients must present (repeatable). Prefer AGENTROUTER_API_KEYS (comma-separated): command lines are visible to other users.",
        };
        var agents = new Option<DirectoryInfo?>("--agents") { Description = "Directory of agent manifests (default: agents/simulated of this repository, else built-in simulated agents)." };
        var builtIn = new Option<bool>("--builtin-agents") { Description = "Use the built-in zero-latency simulated agents." };
        var policies = new Option<DirectoryInfo?>("--policies") { Description = "Directory of policy presets; each becomes model 'router:<preset>' (default: policies/ of this repository)." };
        var preset = new Option<string>("--preset") { Description = "Preset behind the plain 'router' model.", DefaultValueFactory = _ => "ema-orch" };
        var panel = new Option<int>("--panel-size") { Description = "Agents per query for the routers.", DefaultValueFactory = _ => 3 };
        var rate = new Option<int>("--rate-limit") { Description = "Requests per minute per API key.", DefaultValueFactory = _ => 6000 };
        var streamsPerClient = new Option<int>("--max-streams-per-client") { Description = "Open SSE streams (streamed chats, dashboard viewers) allowed per client address; more get 429 with Retry-After.", DefaultValueFactory = _ => 16 };
        streamsPerClient.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max-streams-per-client must be at least 1.");
            }
        });
        var cors = new Option<string[]>("--cors-origin") { Description = "Allow this browser origin (repeatable); CORS is off by default." };
        var recorded = new Option<FileInfo?>("--recorded") { Description = "Serve a RouterBench CSV's models as recorded agents (one per model column, named as in the file) answering with their recorded responses and costs, instead of --agents." };
        var recordedLatency = new Option<double>("--recorded-latency-scale") { Description = "Recorded agents wait this multiple of the replay latency model's time (0 answers at once).", DefaultValueFactory = _ => 0 };
        var otlp = new Option<string?>("--otlp-endpoint")
        {
            Description = "Export traces (server request, routing decision, agent calls, merge, feedback) by OTLP/gRPC to this collector, e.g. http://127.0.0.1:4317. Off by default.",
        };
        otlp.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } given && OtlpEndpoint(given) is null)
            {
                result.AddError("--otlp-endpoint must be an absolute http:// or https:// URL.");
            }
        });
        var command = new Command("serve", "Run the OpenAI-compatible HTTP server (/v1/chat/completions, /v1/models, /v1/feedback, /v1/route, /metrics, /dashboard).")
        {
            urls, apiKeys, agents, builtIn, policies, preset, panel, rate, streamsPerClient, cors, recorded, recordedLatency, otlp,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = new ServerOptions
            {
                AgentsDirectory = parseResult.GetValue(agents)?.FullName,
                BuiltInAgents = parseResult.GetValue(builtIn),
                PoliciesDirectory = parseResult.GetValue(policies)?.FullName,
                DefaultPreset = parseResult.GetValue(preset)!,
                PanelSize = parseResult.GetValue(panel),
                RequestsPerMinute = parseResult.GetValue(rate),
                MaxStreamsPerClient = parseResult.GetValue(streamsPerClient),
                RecordedFile = parseResult.GetValue(recorded)?.FullName,
                RecordedLatencyScale = parseResult.GetValue(recordedLatency),
                OtlpEndpoint = parseResult.GetValue(otlp) is { } endpoint ? OtlpEndpoint(endpoint) : null,
            };
            if (parseResult.GetValue(urls) is { Length: > 0 } given)
            {
                options.Urls.Clear();
                options.Urls.AddRange(given.SelectMany(u => u.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }

            options.ApiKeys.AddRange(parseResult.GetValue(apiKeys) ?? []);
            options.WithEnvironmentKeys();
            options.CorsOrigins.AddRange(parseResult.GetValue(cors) ?? []);
            AgentRouterServer server;
            try
            {
                server = await AgentRouterHost.StartServerAsync(options, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or ManifestValidationException or AgentRouter.Core.Presets.PolicyPresetException or IOException or ArgumentException or AgentRouter.Core.Replay.ReplayDataException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }

            await using (server)
            {
                foreach (var address in server.Addresses)
                {
                    Console.WriteLine($"agentrouter serving on {address} (models: {string.Join(", ", server.Runtime.Catalog.Entries.Select(e => e.Id))})");
                }

                Console.WriteLine("dashboard: " + new Uri(server.BaseAddress, "/dashboard"));
                await server.App.WaitForShutdownAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }

    /// <summary>An absolute http(s) URL, or null (System.CommandLine has no <see cref="Uri"/> converter).</summary>
    private static Uri? OtlpEndpoint(string given) =>
        Uri.TryCreate(given, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
