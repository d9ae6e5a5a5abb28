using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Server.Dashboard;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Server.Telemetry;

/// <summary>The server's instruments (meter <see cref="MeterName"/>), exported by OpenTelemetry's Prometheus
/// exporter at <c>/metrics</c>: HTTP requests and latency, per-agent traffic and latency, the policies' current
/// values, agent load, and the routers' pending-feedback tables (the answers cached for delayed feedback).</summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "AgentRouter.Server";

    /// <summary>The shared KV block pools of local agents in this process (AgentRouter.Inference's <c>KvPoolMeter.MeterName</c>;
    /// the server does not reference the inference engine, so the name is repeated here).</summary>
    public const string KvCacheMeterName = "AgentRouter.KvCache";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestSeconds;
    private readonly Counter<long> _agentRequests;
    private readonly Histogram<double> _agentLatencyMs;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _feedback;

    public ServerMetrics(IMeterFactory meterFactory, DashboardState dashboard, ServerRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("agentrouter.http.requests", "{request}", "HTTP API requests by endpoint and status code");
        _requestSeconds = _meter.CreateHistogram<double>("agentrouter.http.request.duration", "s", "HTTP API request duration");
        _agentRequests = _meter.CreateCounter<long>("agentrouter.agent.requests", "{request}", "Panel requests per agent by outcome status");
        _agentLatencyMs = _meter.CreateHistogram<double>("agentrouter.agent.latency", "ms", "Agent answer latency");
        _cost = _meter.CreateCounter<double>("agentrouter.query.cost", "USD", "Cost of answered queries");
        _feedback = _meter.CreateCounter<long>("agentrouter.feedback", "{feedback}", "Feedback submissions by result");
        _meter.CreateObservableGauge("agentrouter.policy.value", () => dashboard.PolicyValues()
            .Select(v => new Measurement<double>(v.Value, new("router", v.Router), new("agent", v.Agent), new("part", v.Part))), description: "The policy's latest score parts per agent (exploit = learned value, explore = bonus)");
        _meter.CreateObservableGauge("agentrouter.agent.load", () => runtime.IsReady
            ? runtime.Backend.AgentLoads().Select(a => new Measurement<double>(a.Load, new KeyValuePair<string, object?>("agent", a.Agent)))
            : [], description: "Agent load: requests held over capacity");
        _meter.CreateObservableGauge("agentrouter.router.pending_feedback", () => dashboard.RouterStats()
            .Select(s => new Measurement<long>(s.PendingFeedback, new KeyValuePair<string, object?>("router", s.Router))), description: "Answered queries cached for delayed feedback");
        _meter.CreateObservableCounter("agentrouter.dashboard.evicted", () => new[]
        {
            new Measurement<long>(dashboard.EvictedTaskTypes, new KeyValuePair<string, object?>("table", "task_types")),
            new Measurement<long>(dashboard.DroppedNames, new KeyValuePair<string, object?>("table", "names")),
        }, "{row}", "Dashboard rows evicted or never added because their table was full");
        _meter.CreateObservableGauge("agentrouter.router.in_flight", () => dashboard.RouterStats()
            .Select(s => new Measurement<long>(s.InFlight, new KeyValuePair<string, object?>("router", s.Router))), description: "Queries in flight per router");
    }

    public void Request(string endpoint, int status, double seconds)
    {
        var tags = new TagList { { "endpoint", endpoint }, { "status", BoxedStatus(status) } };
        _requests.Add(1, tags);
        _requestSeconds.Record(seconds, new KeyValuePair<string, object?>("endpoint", endpoint));
    }

    public void Answered(QueryAnswered answered)
    {
        ArgumentNullException.ThrowIfNull(answered);
        var cost = 0.0;
        foreach (var analysis in answered.Analyses)
        {
            _agentRequests.Add(1, new("agent", analysis.Agent), new("status", StatusName(analysis.Status)));
            if (analysis.Status == OutcomeStatus.Succeeded)
            {
                _agentLatencyMs.Record(analysis.LatencyMs, new KeyValuePair<string, object?>("agent", analysis.Agent));
            }

            cost += analysis.Cost;
        }

        _cost.Add(cost, new KeyValuePair<string, object?>("router", answered.Router));
    }

    /// <summary>The status tag's boxed value, shared for the usual codes (a tag value is an object; boxing per request is an allocation).</summary>
    private static object BoxedStatus(int status) => (uint)status < (uint)StatusBoxes.Length ? StatusBoxes[status] : status;

    private static readonly object[] StatusBoxes = [.. Enumerable.Range(0, 600).Select(code => (object)code)];

    /// <summary>The enum's name without boxing the enum to call ToString.</summary>
    private static string StatusName(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Succeeded => nameof(OutcomeStatus.Succeeded),
        OutcomeStatus.Failed => nameof(OutcomeStatus.Failed),
        OutcomeStatus.TimedOut => nameof(OutcomeStatus.TimedOut),
        _ => status.ToString(),
    };

    public void Feedback(string result) => _feedback.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Dispose() => _meter.Dispose();
}
