using AgentRouter.Core.Configuration;
using AgentRouter.Actors.Runtime;

namespace AgentRouter.Server.Hosting;

/// <summary>How the HTTP server runs and what it accepts. Defaults are safe for a developer machine:
/// loopback only, no keys needed there, CORS off.</summary>
public sealed class ServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Kestrel URLs (port 0 picks a free port).</summary>
    public List<string> Urls { get; } = [DefaultUrl];

    /// <summary>Bearer API keys. Required (non-empty) whenever a URL binds beyond loopback.</summary>
    public List<string> ApiKeys { get; } = [];

    /// <summary>Requests per minute per API key (per client address when no keys are configured).</summary>
    public int RequestsPerMinute { get; set; } = 6000;

    public long MaxBodyBytes { get; set; } = 1_000_000;

    public int MaxMessages { get; set; } = 256;

    /// <summary>Characters of one message's content.</summary>
    public int MaxMessageChars { get; set; } = 200_000;

    public int MaxTokensCap { get; set; } = 32_768;

    /// <summary>Characters of every other client-supplied string: model, task type, merge strategy, option
    /// names, query ids, feedback choices and agent names.</summary>
    public int MaxFieldChars { get; set; } = 256;

    /// <summary>Requests per minute per client address that carry no valid API key (401s, then 429s), so
    /// that key guessing and floods of unauthenticated traffic are throttled before any work is done.</summary>
    public int UnauthenticatedRequestsPerMinute { get; set; } = 120;

    /// <summary>Open server-sent-event streams (dashboard viewers and streamed chats) over all clients.</summary>
    public int MaxStreams { get; set; } = 256;

    /// <summary>Open server-sent-event streams per client address.</summary>
    public int MaxStreamsPerClient { get; set; } = 16;

    /// <summary>HTTP/2 streams one connection may have open at once (Kestrel's limit).</summary>
    public int MaxStreamsPerConnection { get; set; } = 32;

    /// <summary>How long one event may wait to be taken by a stream's reader before the stream is dropped:
    /// a viewer that does not read holds at most one event plus the transport's buffer for this long.</summary>
    public TimeSpan StreamWriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Task types the dashboard keeps per router (least recently seen evicted beyond it).</summary>
    public int MaxDashboardTaskTypes { get; set; } = 256;

    /// <summary>The longest deadline a request may ask for (and the default one).</summary>
    public TimeSpan MaxDeadline { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long one agent may take before its panel slot counts as timed out (capped by the
    /// request's deadline), so that one hung agent delays a query by this much at most.</summary>
    public TimeSpan AgentDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Origins allowed by CORS; empty (the default) means CORS is off.</summary>
    public List<string> CorsOrigins { get; } = [];

    /// <summary>Agent manifests; null uses the embedded simulated defaults.</summary>
    public string? AgentsDirectory { get; set; }

    /// <summary>Run the built-in zero-latency simulated agents even when the repository ships manifests
    /// (benchmarks compare like with like).</summary>
    public bool BuiltInAgents { get; set; }

    /// <summary>A RouterBench CSV whose model columns are served as <c>recorded</c> agents (one per column, named as in
    /// the file) instead of any manifests or simulated agents; null for none.</summary>
    public string? RecordedFile { get; set; }

    /// <summary>Multiplies the recorded agents' modelled latency (0: they answer at once).</summary>
    public double RecordedLatencyScale { get; set; }

    /// <summary>Policy presets (each becomes a router <c>router:&lt;preset&gt;</c>); null for the repository's.</summary>
    public string? PoliciesDirectory { get; set; }

    /// <summary>The preset behind the plain <c>router</c> model.</summary>
    public string DefaultPreset { get; set; } = "ema-orch";

    public int PanelSize { get; set; } = 3;

    /// <summary>Dashboard refresh period of the SSE stream.</summary>
    public TimeSpan DashboardInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>An already running backend to serve (a cluster router node's client and routers). The server
    /// neither starts nor stops it; the agent, policy and runtime options above do not apply then.</summary>
    public ServerBackend? Backend { get; set; }

    /// <summary>An OTLP collector (gRPC, e.g. <c>http://127.0.0.1:4317</c>) to export traces to; null (the default) exports
    /// nothing. Spans carry query ids, agent and policy names, never prompts or answers.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Adds to the tracer provider (e.g. an in-memory exporter in tests); setting it turns tracing on like
    /// <see cref="OtlpEndpoint"/> does.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? ConfigureTracing { get; set; }

    /// <summary>Last chance to adjust the actor runtime (extra agents, backends, routers) before it starts.</summary>
    public Action<AgentRouterOptions>? ConfigureRuntime { get; set; }

    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive; the message names the option.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestsPerMinute, 1, nameof(RequestsPerMinute));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBodyBytes, 1, nameof(MaxBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessages, 1, nameof(MaxMessages));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageChars, 1, nameof(MaxMessageChars));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokensCap, 1, nameof(MaxTokensCap));
        ArgumentOutOfRangeException.ThrowIfLessThan(PanelSize, 1, nameof(PanelSize));
        ArgumentOutOfRangeException.ThrowIfNegative(RecordedLatencyScale, nameof(RecordedLatencyScale));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFieldChars, 1, nameof(MaxFieldChars));
        ArgumentOutOfRangeException.ThrowIfLessThan(UnauthenticatedRequestsPerMinute, 1, nameof(UnauthenticatedRequestsPerMinute));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreams, 1, nameof(MaxStreams));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamsPerClient, 1, nameof(MaxStreamsPerClient));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamsPerConnection, 1, nameof(MaxStreamsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDashboardTaskTypes, 1, nameof(MaxDashboardTaskTypes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StreamWriteTimeout, TimeSpan.Zero, nameof(StreamWriteTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxDeadline, TimeSpan.Zero, nameof(MaxDeadline));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AgentDeadline, TimeSpan.Zero, nameof(AgentDeadline));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DashboardInterval, TimeSpan.Zero, nameof(DashboardInterval));
        if (Urls.Count == 0)
        {
            throw new ArgumentException("at least one listen URL is required", nameof(Urls));
        }
    }

    /// <summary>True when every listen URL is loopback: then <c>/metrics</c> stays open for local scrapers;
    /// otherwise it needs an API key like the API.</summary>
    public bool LoopbackOnly => Urls.All(Security.BindingGuard.IsLoopback);

    /// <summary>Reads keys from <c>AGENTROUTER_API_KEYS</c> (comma-separated; <see cref="AgentRouterSettings.ApiKeys"/>
    /// of <paramref name="settings"/>, default the process environment's) when none are set in code.</summary>
    public ServerOptions WithEnvironmentKeys(AgentRouterSettings? settings = null)
    {
        if (ApiKeys.Count == 0)
        {
            ApiKeys.AddRange(AgentRouterEnvironment.List((settings ?? AgentRouterSettings.FromEnvironment()).ApiKeys));
        }

        return this;
    }
}
