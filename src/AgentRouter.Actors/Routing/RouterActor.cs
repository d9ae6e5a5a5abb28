using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Timing;
using AgentRouter.Actors.Tracing;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Routing;

/// <summary>Routes queries with one policy: select a panel, tell each agent (correlated by query id, slot
/// and attempt — no Ask, no temporary actor), collect, merge, reply exactly once. Deadlines are checked by
/// one periodic timer over the in-flight table, so a query costs no timer registration. Pure merge strategies
/// run inline (a function call); only the LLM merge goes to the merge agent.</summary>
public sealed partial class RouterActor : ReceiveActor
{
    private readonly RouterSettings _settings;
    private readonly IRoutingPolicy _policy;
    private AgentHandle[] _agents;
    private readonly Dictionary<string, int> _agentIndex = new(StringComparer.Ordinal);
    private readonly List<Candidate> _candidates;
    private readonly Func<string, IMergeStrategy> _resolveMerge;
    private readonly Dictionary<string, IMergeStrategy> _merges = new(StringComparer.OrdinalIgnoreCase);
    private readonly IActorRef? _mergeAgent;
    private readonly Func<Query, float[]?>? _featurize;
    private readonly Dictionary<string, InFlightQuery> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _merging = [];
    private readonly FeedbackLedger<AnsweredQuery> _ledger;
    private readonly AnsweredQueryCodec _answeredCodec = new();
    private readonly List<InFlightQuery> _due = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeProvider _time;
    private readonly ClockTimers _timers;
    private readonly long _agentDeadlineTicks;
    private readonly long _queryDeadlineTicks;
    private readonly string _overloadedMessage;
    private readonly string _backlogMessage;
    private readonly ICell _cell;
    private string? _lastMergeName;
    private IMergeStrategy? _lastMerge;
    private long _mergeSequence;
    private long _answered;
    private long _failed;
    private long _retries;
    private long _agentTimeouts;

    public RouterActor(RouterSettings settings, RouterDependencies dependencies)
    {
        _settings = settings;
        _policy = dependencies.Policy;
        _agents = [.. dependencies.Agents];
        for (var i = 0; i < _agents.Length; i++)
        {
            _agentIndex[_agents[i].Name] = i;
        }

        _candidates = new List<Candidate>(_agents.Length);
        _resolveMerge = dependencies.ResolveMerge;
        _mergeAgent = dependencies.MergeAgent;
        _featurize = dependencies.Featurize;
        _time = dependencies.Time ?? TimeProvider.System;
        _timers = new ClockTimers(_time, Self);
        _ledger = new FeedbackLedger<AnsweredQuery>(settings.PendingFeedbackCapacity, settings.EffectiveFeedbackTimeToLive, _time.TimestampFrequency);
        _agentDeadlineTicks = Ticks(settings.EffectiveAgentDeadline);
        _queryDeadlineTicks = Ticks(settings.EffectiveQueryDeadline);
        if (settings.MaxInFlight < 1 || settings.MaxMailboxBacklog < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"router '{settings.Name}': MaxInFlight ({settings.MaxInFlight}) and MaxMailboxBacklog ({settings.MaxMailboxBacklog}) must be at least 1");
        }

        _cell = (ICell)Context;
        _backlogMessage = $"router '{settings.Name}' is overloaded: more than {settings.MaxMailboxBacklog} messages wait in its mailbox (its admission limit); retry later";

        // One message for every refusal: shedding load must stay cheaper than serving it.
        _overloadedMessage = $"router '{settings.Name}' is overloaded: {settings.MaxInFlight} queries already in flight (its admission limit); retry later";

        Receive<RouteQuery>(OnRouteQuery);
        Receive<AnalysisCompleted>(OnAnalysisCompleted);
        Receive<AnalysisFailed>(OnAnalysisFailed);
        Receive<MergeProtocol.Merged>(OnMerged);
        Receive<MergeProtocol.MergeFailed>(OnMergeFailed);
        Receive<CancelQuery>(OnCancel);
        Receive<AgentSetChanged>(OnAgentSetChanged);
        Receive<SubmitFeedback>(OnFeedback);
        Receive<Tick>(_ => OnTick());
        Receive<GetRouterStats>(_ => Sender.Tell(new RouterStats(
            _settings.Name, _policy.Name, _inFlight.Count, _ledger.Count, _answered, _failed, _retries, _agentTimeouts)));
    }

    public static Props Props(RouterSettings settings, RouterDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new RouterActor(settings, dependencies));

    protected override void PreStart() =>
        _timers.StartPeriodic(Tick.Instance, Tick.Instance, _settings.EffectiveTickInterval);

    protected override void PostStop() => _timers.Dispose();

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private void OnRouteQuery(RouteQuery route)
    {
        var query = route.Query;
        var replyTo = Sender;
        var options = route.Options;
        if (string.IsNullOrEmpty(query.Id))
        {
            Reject(replyTo, query.Id ?? "", QueryFailureReason.Rejected, "the query has no id");
            return;
        }

        if (_inFlight.Count >= _settings.MaxInFlight)
        {
            Reject(replyTo, query.Id, QueryFailureReason.Overloaded, _overloadedMessage);
            return;
        }

        if (_cell.NumberOfMessages > _settings.MaxMailboxBacklog)
        {
            Reject(replyTo, query.Id, QueryFailureReason.Overloaded, _backlogMessage);
            return;
        }

        if (_inFlight.ContainsKey(query.Id) || _ledger.IsPending(query.Id))
        {
            Reject(replyTo, query.Id, QueryFailureReason.Rejected, $"query id '{query.Id}' is already in flight or awaiting feedback on router '{_settings.Name}'");
            return;
        }

        var mergeName = options?.MergeStrategy ?? _settings.MergeStrategy;
        if (!string.Equals(mergeName, MergeProtocol.LlmStrategy, StringComparison.OrdinalIgnoreCase) && !TryResolveMerge(mergeName, out _, out var mergeError))
        {
            Reject(replyTo, query.Id, QueryFailureReason.Rejected, mergeError);
            return;
        }

        var panelSize = options?.PanelSize ?? _settings.PanelSize;
        if (panelSize < 1)
        {
            Reject(replyTo, query.Id, QueryFailureReason.Rejected, $"panel size must be at least 1, got {panelSize}");
            return;
        }

        if (GatherCandidates(ref query, options?.Agents) is { } noAgents)
        {
            Reject(replyTo, query.Id, QueryFailureReason.NoAgents, noAgents);
            return;
        }

        var span = RouterTracing.StartDetached(RouterTracing.RouteSpan, route.TraceParent);
        span?.SetTag("agentrouter.query_id", query.Id).SetTag("agentrouter.router", _settings.Name);
        var decideSpan = span is null ? null : RouterTracing.StartDetached(RouterTracing.DecideSpan, span.Context);
        RoutingDecision decision;
        string? invalidAgent;
        try
        {
            decision = DecidePanel(query, Math.Min(panelSize, _candidates.Count), out invalidAgent);
        }
        catch (Exception e)
        {
            RouterTracing.Fail(decideSpan, nameof(QueryFailureReason.PolicyFailed));
            RouterTracing.Fail(span, nameof(QueryFailureReason.PolicyFailed));
            _log.Error(e, "policy {0} failed to select for query {1}", _policy.Name, query.Id);
            Reject(replyTo, query.Id, QueryFailureReason.PolicyFailed, $"policy '{_policy.Name}' failed: {e.Message}");
            return;
        }

        if (decideSpan is not null)
        {
            decideSpan.SetTag("agentrouter.policy", _policy.Name)
                .SetTag("agentrouter.candidates", string.Join(",", _candidates.Select(c => c.Profile.Name)))
                .SetTag("agentrouter.panel", string.Join(",", decision.Panel));
            decideSpan.Dispose();
        }

        var panelCount = decision.Panel.Count;
        if (panelCount == 0)
        {
            RouterTracing.Fail(span, nameof(QueryFailureReason.NoAgents));
            Reject(replyTo, query.Id, QueryFailureReason.NoAgents, $"policy '{_policy.Name}' chose an empty panel");
            return;
        }

        if (invalidAgent is not null)
        {
            RouterTracing.Fail(span, nameof(QueryFailureReason.PolicyFailed));
            Reject(replyTo, query.Id, QueryFailureReason.PolicyFailed, $"policy '{_policy.Name}' chose unknown or repeated agent '{invalidAgent}'");
            return;
        }

        var now = _time.GetTimestamp();
        var inFlight = RentQuery(query, replyTo, route.Observer, decision, panelCount);
        inFlight.RetriesLeft = options?.MaxRetries ?? _settings.MaxRetries;
        inFlight.DeadlineTicks = now + (options?.QueryDeadline is { } queryDeadline ? Ticks(queryDeadline) : _queryDeadlineTicks);
        inFlight.AgentDeadlineTicks = options?.AgentDeadline is { } agentDeadline ? Ticks(agentDeadline) : _agentDeadlineTicks;
        inFlight.MergeStrategy = mergeName;
        inFlight.Span = span;
        inFlight.AgentSpans = span is null ? null : new System.Diagnostics.Activity?[panelCount];
        for (var slot = 0; slot < panelCount; slot++)
        {
            inFlight.Slots[slot].Agent = _panelAgents[slot];
        }

        _inFlight.Add(query.Id, inFlight);
        route.Observer?.Tell(new QueryDecided(query.Id, decision));
        for (var slot = 0; slot < panelCount; slot++)
        {
            Dispatch(inFlight, slot, inFlight.Slots[slot].Agent, 0, now);
        }
    }

    private void Dispatch(InFlightQuery query, int slot, int agentIndex, int attempt, long now)
    {
        ref var state = ref query.Slots[slot];
        state.Agent = agentIndex;
        state.Attempt = attempt;
        state.Done = false;
        state.StartedTicks = now;
        state.DeadlineTicks = Math.Min(now + query.AgentDeadlineTicks, query.DeadlineTicks);
        if (query.AgentSpans is { } spans)
        {
            spans[slot]?.Dispose(); // a retry replaces the failed attempt's span (already ended with its status)
            spans[slot] = RouterTracing.StartDetached(RouterTracing.AgentCallSpan, query.Span!.Context, ActivityKind.Client)?
                .SetTag("agentrouter.agent", _agents[agentIndex].Name)
                .SetTag("agentrouter.slot", slot)
                .SetTag("agentrouter.attempt", attempt);
        }

        _agents[agentIndex].Actor.Tell(new Analyze(query.Query, slot, attempt, query.Observer), Self);
    }

    /// <summary>Ends a slot's agent-call span: ok when <paramref name="failure"/> is null, else with that reason.</summary>
    private static void EndAgentSpan(InFlightQuery query, int slot, string? failure)
    {
        if (query.AgentSpans is { } spans && spans[slot] is { } span)
        {
            spans[slot] = null;
            if (failure is null)
            {
                span.Dispose();
            }
            else
            {
                RouterTracing.Fail(span, failure);
            }
        }
    }

    private bool TryGetLiveSlot(string queryId, int slot, int attempt, out InFlightQuery query)
    {
        if (_inFlight.TryGetValue(queryId, out query!) && query.MergeCorrelation == 0 && (uint)slot < (uint)query.Slots.Length)
        {
            ref var state = ref query.Slots[slot];
            return !state.Done && state.Attempt == attempt;
        }

        return false;
    }

    private void Reject(IActorRef replyTo, string queryId, QueryFailureReason reason, string message)
    {
        _failed++;
        replyTo.Tell(new QueryFailed(queryId, _settings.Name, reason, message, []));
    }

    private bool TryResolveMerge(string name, out IMergeStrategy? strategy, out string error)
    {
        error = "";
        if (ReferenceEquals(name, _lastMergeName))
        {
            // Nearly every query names the router's default strategy, the same string each time: no hashing.
            strategy = _lastMerge;
            return true;
        }

        if (_merges.TryGetValue(name, out strategy))
        {
            (_lastMergeName, _lastMerge) = (name, strategy);
            return true;
        }

        try
        {
            strategy = _resolveMerge(name);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }

        _merges[name] = strategy;
        (_lastMergeName, _lastMerge) = (name, strategy);
        return true;
    }

    private void Observe(Query query, AgentOutcome outcome)
    {
        try
        {
            _policy.Observe(query, outcome);
        }
        catch (Exception e)
        {
            // A policy defect must not cost the router its in-flight queries; it is reported, not hidden.
            _log.Error(e, "policy {0} failed to observe {1} for query {2}", _policy.Name, outcome.Agent, query.Id);
        }
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
