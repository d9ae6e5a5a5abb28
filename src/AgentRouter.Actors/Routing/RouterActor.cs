using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Protocol;
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
public sealed partial class RouterActor : ReceiveActor, IWithTimers
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
    private readonly List<InFlightQuery> _due = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly long _agentDeadlineTicks;
    private readonly long _queryDeadlineTicks;
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
        _ledger = new FeedbackLedger<AnsweredQuery>(settings.PendingFeedbackCapacity, settings.EffectiveFeedbackTimeToLive, Stopwatch.Frequency);
        _agentDeadlineTicks = Ticks(settings.EffectiveAgentDeadline);
        _queryDeadlineTicks = Ticks(settings.EffectiveQueryDeadline);

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

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RouterSettings settings, RouterDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new RouterActor(settings, dependencies));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, _settings.EffectiveTickInterval);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

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

        if (_featurize is not null && query.Features is null)
        {
            query = query with { Features = _featurize(query) };
        }

        _candidates.Clear();
        foreach (var agent in _agents)
        {
            if (agent.Vitals.Available)
            {
                _candidates.Add(new Candidate(agent.Profile, agent.Vitals.Load));
            }
        }

        if (_candidates.Count == 0)
        {
            Reject(replyTo, query.Id, QueryFailureReason.NoAgents, "no agent is available (all are backing off after crashes)");
            return;
        }

        RoutingDecision decision;
        try
        {
            decision = _policy.Select(query, _candidates, Math.Min(panelSize, _candidates.Count));
        }
        catch (Exception e)
        {
            _log.Error(e, "policy {0} failed to select for query {1}", _policy.Name, query.Id);
            Reject(replyTo, query.Id, QueryFailureReason.PolicyFailed, $"policy '{_policy.Name}' failed: {e.Message}");
            return;
        }

        var panel = decision.Panel;
        if (panel.Count == 0)
        {
            Reject(replyTo, query.Id, QueryFailureReason.NoAgents, $"policy '{_policy.Name}' chose an empty panel");
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var inFlight = new InFlightQuery(query, replyTo, route.Observer, decision, panel.Count)
        {
            RetriesLeft = options?.MaxRetries ?? _settings.MaxRetries,
            DeadlineTicks = now + (options?.QueryDeadline is { } queryDeadline ? Ticks(queryDeadline) : _queryDeadlineTicks),
            AgentDeadlineTicks = options?.AgentDeadline is { } agentDeadline ? Ticks(agentDeadline) : _agentDeadlineTicks,
            MergeStrategy = mergeName,
        };
        for (var slot = 0; slot < panel.Count; slot++)
        {
            if (!_agentIndex.TryGetValue(panel[slot], out var agentIndex) || IndexOf(panel, panel[slot]) != slot)
            {
                Reject(replyTo, query.Id, QueryFailureReason.PolicyFailed, $"policy '{_policy.Name}' chose unknown or repeated agent '{panel[slot]}'");
                return;
            }

            inFlight.Slots[slot].Agent = agentIndex;
        }

        _inFlight.Add(query.Id, inFlight);
        route.Observer?.Tell(new QueryDecided(query.Id, decision));
        for (var slot = 0; slot < panel.Count; slot++)
        {
            Dispatch(inFlight, slot, inFlight.Slots[slot].Agent, 0, now);
        }
    }

    private static int IndexOf(IReadOnlyList<string> panel, string agent)
    {
        for (var i = 0; i < panel.Count; i++)
        {
            if (panel[i] == agent)
            {
                return i;
            }
        }

        return -1;
    }

    private void Dispatch(InFlightQuery query, int slot, int agentIndex, int attempt, long now)
    {
        ref var state = ref query.Slots[slot];
        state.Agent = agentIndex;
        state.Attempt = attempt;
        state.Done = false;
        state.StartedTicks = now;
        state.DeadlineTicks = Math.Min(now + query.AgentDeadlineTicks, query.DeadlineTicks);
        _agents[agentIndex].Actor.Tell(new Analyze(query.Query, slot, attempt, query.Observer), Self);
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

    private void OnAnalysisCompleted(AnalysisCompleted completed)
    {
        if (!TryGetLiveSlot(completed.QueryId, completed.Slot, completed.Attempt, out var query))
        {
            return; // a late answer after a timeout, retry or cancellation
        }

        query.Slots[completed.Slot].Done = true;
        query.Analyses[completed.Slot] = completed.Analysis;
        query.Observer?.Tell(new AgentAnswered(query.Query.Id, completed.Analysis));
        if (--query.Remaining == 0)
        {
            Conclude(query);
        }
    }

    private void OnAnalysisFailed(AnalysisFailed failed)
    {
        if (!TryGetLiveSlot(failed.QueryId, failed.Slot, failed.Attempt, out var query))
        {
            return;
        }

        ref var state = ref query.Slots[failed.Slot];
        var now = Stopwatch.GetTimestamp();
        var latencyMs = Stopwatch.GetElapsedTime(state.StartedTicks, now).TotalMilliseconds;
        if (failed.Kind is AgentFailureKind.Crashed or AgentFailureKind.Failed)
        {
            Observe(query.Query, new AgentOutcome(failed.Agent, 0, latencyMs, 0, OutcomeStatus.Failed));
        }

        var retryable = failed.Kind is AgentFailureKind.Crashed or AgentFailureKind.Failed or AgentFailureKind.Unavailable;
        if (retryable && query.RetriesLeft > 0 && now < query.DeadlineTicks && TryNextRanked(query, out var next))
        {
            query.RetriesLeft--;
            query.Retries++;
            _retries++;
            Dispatch(query, failed.Slot, next, state.Attempt + 1, now);
            return;
        }

        state.Done = true;
        var analysis = new AgentAnalysis(failed.Agent, $"{failed.Kind}: {failed.Reason}", null, LatencyMs: latencyMs, Status: OutcomeStatus.Failed);
        query.Analyses[failed.Slot] = analysis;
        query.Observer?.Tell(new AgentAnswered(query.Query.Id, analysis));
        if (--query.Remaining == 0)
        {
            Conclude(query);
        }
    }

    /// <summary>The best-scored available agent this query has not tried yet, by the decision's own scores.</summary>
    private bool TryNextRanked(InFlightQuery query, out int agentIndex)
    {
        if (query.Tried is null)
        {
            query.Tried = [];
            foreach (var name in query.Decision.Panel)
            {
                query.Tried.Add(_agentIndex[name]);
            }
        }

        agentIndex = -1;
        var best = double.NegativeInfinity;
        foreach (var score in query.Decision.Scores)
        {
            if (_agentIndex.TryGetValue(score.Agent, out var index) && !query.Tried.Contains(index) && _agents[index].Vitals.Available && score.Score > best)
            {
                best = score.Score;
                agentIndex = index;
            }
        }

        if (agentIndex < 0)
        {
            return false;
        }

        query.Tried.Add(agentIndex);
        return true;
    }

    private void OnTick()
    {
        var now = Stopwatch.GetTimestamp();
        _ledger.Sweep(now);
        if (_inFlight.Count == 0)
        {
            return;
        }

        _due.Clear();
        foreach (var query in _inFlight.Values)
        {
            if (query.MergeCorrelation != 0 ? now >= query.DeadlineTicks : HasExpiredSlot(query, now))
            {
                _due.Add(query);
            }
        }

        foreach (var query in _due)
        {
            if (query.MergeCorrelation != 0)
            {
                _merging.Remove(query.MergeCorrelation);
                Fail(query, QueryFailureReason.DeadlineExceeded, "the query deadline passed while the merge agent was merging");
                continue;
            }

            for (var slot = 0; slot < query.Slots.Length; slot++)
            {
                ref var state = ref query.Slots[slot];
                if (state.Done || state.DeadlineTicks > now)
                {
                    continue;
                }

                state.Done = true;
                _agentTimeouts++;
                var agent = _agents[state.Agent];
                agent.Actor.Tell(new CancelAnalysis(query.Query.Id, slot, state.Attempt), Self);
                var latencyMs = Stopwatch.GetElapsedTime(state.StartedTicks, now).TotalMilliseconds;
                Observe(query.Query, new AgentOutcome(agent.Name, 0, latencyMs, 0, OutcomeStatus.TimedOut));
                var analysis = new AgentAnalysis(agent.Name, "timed out", null, LatencyMs: latencyMs, Status: OutcomeStatus.TimedOut);
                query.Analyses[slot] = analysis;
                query.Observer?.Tell(new AgentAnswered(query.Query.Id, analysis));
                query.Remaining--;
            }

            if (query.Remaining == 0)
            {
                Conclude(query);
            }
        }
    }

    private static bool HasExpiredSlot(InFlightQuery query, long now)
    {
        foreach (var slot in query.Slots)
        {
            if (!slot.Done && slot.DeadlineTicks <= now)
            {
                return true;
            }
        }

        return false;
    }

    private void Conclude(InFlightQuery query)
    {
        var analyses = (AgentAnalysis[])query.Analyses!;
        var succeeded = 0;
        foreach (var analysis in analyses)
        {
            if (analysis.Status == OutcomeStatus.Succeeded)
            {
                succeeded++;
            }
        }

        if (succeeded == 0)
        {
            Fail(query, QueryFailureReason.AllAgentsFailed,
                "every panel member failed or timed out: " + string.Join("; ", analyses.Select(a => $"{a.Agent}: {a.Text}")));
            return;
        }

        IReadOnlyList<AgentAnalysis> answers = succeeded == analyses.Length
            ? analyses
            : analyses.Where(a => a.Status == OutcomeStatus.Succeeded).ToArray();
        var context = new MergeContext(query.Query.Id, query.Decision.Panel);
        if (string.Equals(query.MergeStrategy, MergeProtocol.LlmStrategy, StringComparison.OrdinalIgnoreCase))
        {
            if (_mergeAgent is null)
            {
                Fail(query, QueryFailureReason.MergeFailed, "an LLM merge was requested but no merge agent is configured");
                return;
            }

            query.MergeCorrelation = ++_mergeSequence;
            _merging[query.MergeCorrelation] = query.Query.Id;
            _mergeAgent.Tell(new MergeProtocol.Merge(query.MergeCorrelation, MergeProtocol.LlmStrategy, query.Query.Text, query.Query.Options, answers, context), Self);
            return;
        }

        TryResolveMerge(query.MergeStrategy, out var strategy, out _);
        MergeResult result;
        try
        {
            result = strategy!.Merge(answers, context);
        }
        catch (Exception e)
        {
            _log.Error(e, "merge strategy {0} failed on query {1}", query.MergeStrategy, query.Query.Id);
            Fail(query, QueryFailureReason.MergeFailed, $"merge strategy '{query.MergeStrategy}' failed: {e.Message}");
            return;
        }

        Answer(query, result, fellBack: false);
    }

    private void OnMerged(MergeProtocol.Merged merged)
    {
        if (_merging.Remove(merged.Correlation, out var queryId) && _inFlight.TryGetValue(queryId, out var query) && query.MergeCorrelation == merged.Correlation)
        {
            Answer(query, merged.Result, merged.FellBack);
        }
    }

    private void OnMergeFailed(MergeProtocol.MergeFailed failed)
    {
        if (_merging.Remove(failed.Correlation, out var queryId) && _inFlight.TryGetValue(queryId, out var query) && query.MergeCorrelation == failed.Correlation)
        {
            Fail(query, QueryFailureReason.MergeFailed, failed.Reason);
        }
    }

    private void Answer(InFlightQuery query, MergeResult result, bool fellBack)
    {
        var id = query.Query.Id;
        _inFlight.Remove(id);
        var analyses = (AgentAnalysis[])query.Analyses!;
        _ledger.Add(id, new AnsweredQuery(query.Query, analyses, result.Choice), Stopwatch.GetTimestamp());
        _answered++;
        query.ReplyTo.Tell(new QueryAnswered(id, _settings.Name, result, analyses, query.Decision, query.Retries, fellBack));
    }

    private void Fail(InFlightQuery query, QueryFailureReason reason, string message)
    {
        _inFlight.Remove(query.Query.Id);
        for (var slot = 0; slot < query.Slots.Length; slot++)
        {
            ref var state = ref query.Slots[slot];
            if (!state.Done)
            {
                state.Done = true;
                _agents[state.Agent].Actor.Tell(new CancelAnalysis(query.Query.Id, slot, state.Attempt), Self);
            }
        }

        _failed++;
        var analyses = query.Analyses.Where(a => a is not null).Select(a => a!).ToArray();
        query.ReplyTo.Tell(new QueryFailed(query.Query.Id, _settings.Name, reason, message, analyses));
    }

    private void Reject(IActorRef replyTo, string queryId, QueryFailureReason reason, string message)
    {
        _failed++;
        replyTo.Tell(new QueryFailed(queryId, _settings.Name, reason, message, []));
    }

    private void OnCancel(CancelQuery cancel)
    {
        if (_inFlight.TryGetValue(cancel.QueryId, out var query))
        {
            if (query.MergeCorrelation != 0)
            {
                _merging.Remove(query.MergeCorrelation);
            }

            Fail(query, QueryFailureReason.Cancelled, "cancelled by the caller");
        }
    }

    private bool TryResolveMerge(string name, out IMergeStrategy? strategy, out string error)
    {
        error = "";
        if (_merges.TryGetValue(name, out strategy))
        {
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
