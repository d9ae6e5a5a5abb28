using AgentRouter.Core.Backends;
using Akka.Actor;
using Akka.Event;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Timing;
using AgentRouter.Core.Merging;
using static AgentRouter.Actors.Protocol.AgentProtocol;

namespace AgentRouter.Actors.Agents;

/// <summary>One model agent: serves <see cref="Analyze"/> requests through its backend with at most
/// <see cref="AgentVitals.Capacity"/> in flight and a bounded queue. Answers that are ready at once are
/// replied inline; others are piped back to the actor, so the mailbox thread never waits on a model.
/// When the backend crashes the actor restarts (the parent's strategy) and reports every request it held
/// as crashed, so routers can retry them elsewhere without waiting for a deadline. Back-off and measured latencies
/// run on the injected <see cref="TimeProvider"/>.</summary>
public sealed class ModelAgentActor : ReceiveActor
{
    private readonly string _agent;
    private readonly IModelBackend _backend;
    private readonly AgentSettings _settings;
    private readonly AgentVitals _vitals;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeProvider _time;
    private readonly ClockTimers _timers;
    private readonly Dictionary<RequestKey, Running> _running = [];
    private readonly Queue<Waiting> _queue = new();
    private readonly HashSet<RequestKey> _cancelledWhileQueued = [];
    private readonly Stack<CancellationTokenSource> _tokenSources = new();
    private int _inFlight;

    // The request inside the backend call right now, so that a synchronous crash can still be reported.
    private Analyze? _currentRequest;
    private IActorRef? _currentReplyTo;

    public ModelAgentActor(string agent, IModelBackend backend, AgentSettings settings, AgentVitals vitals, TimeProvider? time = null)
    {
        _agent = agent;
        _backend = backend;
        _settings = settings;
        _vitals = vitals;
        _time = time ?? TimeProvider.System;
        _timers = new ClockTimers(_time, Self);
        Serving();
    }

    /// <param name="time">The clock for back-off and latencies; null for <see cref="TimeProvider.System"/>.</param>
    public static Props Props(string agent, IModelBackend backend, AgentSettings settings, AgentVitals vitals, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new ModelAgentActor(agent, backend, settings, vitals, time));

    private void Serving()
    {
        Receive<Analyze>(request => Accept(request, Sender));
        Receive<BackendFinished>(OnBackendFinished);
        Receive<CancelAnalysis>(cancel => Cancel(new RequestKey(Sender, cancel.QueryId, cancel.Slot, cancel.Attempt)));
        Receive<GetAgentStatus>(_ => Sender.Tell(Status(available: true)));
        Receive<BackoffElapsed>(_ => { }); // its timer was cancelled after the message was already on its way
    }

    private void BackingOff()
    {
        Receive<Analyze>(request => Sender.Tell(new AnalysisFailed(
            request.Query.Id, request.Slot, request.Attempt, _agent, AgentFailureKind.Unavailable, "agent is backing off after a crash")));
        Receive<BackoffElapsed>(elapsed =>
        {
            if (elapsed.Restart != _vitals.Restarts)
            {
                return; // the timer of an earlier back-off
            }

            _vitals.SetAvailable(true);
            Become(Serving);
        });

        // Results and cancellations from before the restart belong to requests already reported crashed.
        Receive<BackendFinished>(_ => { });
        Receive<CancelAnalysis>(_ => { });
        Receive<GetAgentStatus>(_ => Sender.Tell(Status(available: false)));
    }

    private AgentStatus Status(bool available) => new(_agent, _inFlight, _queue.Count, _vitals.Capacity, _vitals.Restarts, available);

    private void Accept(Analyze request, IActorRef replyTo)
    {
        if (_inFlight < _vitals.Capacity)
        {
            Start(request, replyTo);
        }
        else if (_queue.Count < _settings.QueueLimit)
        {
            _queue.Enqueue(new Waiting(request, replyTo));
            _vitals.SetQueued(_queue.Count);
        }
        else
        {
            replyTo.Tell(new AnalysisFailed(request.Query.Id, request.Slot, request.Attempt, _agent, AgentFailureKind.Unavailable,
                $"agent is overloaded ({_inFlight} in flight, {_queue.Count} queued)"));
        }
    }

    private void Start(Analyze request, IActorRef replyTo)
    {
        var source = _tokenSources.Count > 0 ? _tokenSources.Pop() : new CancellationTokenSource();
        var onToken = request.TokenObserver is { } observer ? TokenRelay(observer, request.Query.Id, _agent) : null;

        _inFlight++;
        _vitals.SetInFlight(_inFlight);

        _currentRequest = request;
        _currentReplyTo = replyTo;
        var started = _time.GetTimestamp();
        var pending = _backend.AnalyzeAsync(_agent, request.Query, onToken, source.Token);
        _currentRequest = null;
        _currentReplyTo = null;

        if (pending.IsCompleted)
        {
            Exception? error = null;
            AgentAnalysis? analysis = null;
            if (pending.IsCompletedSuccessfully)
            {
                analysis = pending.Result;
            }
            else
            {
                error = Unwrap(pending.AsTask().Exception);
            }

            Release(source);
            Finish(request, replyTo, analysis, error, started: 0);
            return;
        }

        AwaitBackend(new RequestKey(replyTo, request.Query.Id, request.Slot, request.Attempt), new Running(new Waiting(request, replyTo), source, started), pending);
    }

    // The closures below live in their own methods: captured by locals of Start, their display classes would be
    // allocated on every call, including the synchronous answers that need none.
    private static Action<string> TokenRelay(IActorRef observer, string queryId, string agent) =>
        token => observer.Tell(new TokenProduced(queryId, agent, token));

    private void AwaitBackend(RequestKey key, Running running, ValueTask<AgentAnalysis> pending)
    {
        _running[key] = running;
        pending.AsTask().PipeTo(Self, success: result => new BackendFinished(key, result, null), failure: e => new BackendFinished(key, null, Unwrap(e)));
    }

    private void OnBackendFinished(BackendFinished finished)
    {
        if (!_running.Remove(finished.Key, out var running))
        {
            return; // cancelled meanwhile; the requester has moved on
        }

        Release(running.Source);
        Finish(running.Waiting.Request, running.Waiting.ReplyTo, finished.Analysis, finished.Error, running.Started);
    }

    /// <param name="started">When an asynchronous call began (0 for one that completed at once, whose
    /// latency the backend reports itself).</param>
    private void Finish(Analyze request, IActorRef replyTo, AgentAnalysis? analysis, Exception? error, long started)
    {
        _inFlight--;
        _vitals.SetInFlight(_inFlight);
        if (error is ModelBackendCrashedException)
        {
            _currentRequest = request;
            _currentReplyTo = replyTo;
            throw new ModelBackendCrashedException($"agent '{_agent}' crashed: {error.Message}", error);
        }

        if (analysis is not null)
        {
            _vitals.RecordSuccess();
            if (started != 0 && analysis.LatencyMs == 0)
            {
                analysis = analysis with { LatencyMs = _time.GetElapsedTime(started).TotalMilliseconds };
            }

            replyTo.Tell(new AnalysisCompleted(request.Query.Id, request.Slot, request.Attempt, analysis));
        }
        else
        {
            var kind = error switch
            {
                OperationCanceledException => AgentFailureKind.Cancelled,
                InvalidQueryException => AgentFailureKind.InvalidQuery,
                _ => AgentFailureKind.Failed,
            };
            replyTo.Tell(new AnalysisFailed(request.Query.Id, request.Slot, request.Attempt, _agent, kind, error?.Message ?? "backend returned no analysis",
                (error as InvalidQueryException)?.Field));
        }

        StartQueued();
    }

    private void StartQueued()
    {
        while (_inFlight < _vitals.Capacity && _queue.Count > 0)
        {
            var next = _queue.Dequeue();
            _vitals.SetQueued(_queue.Count);
            var key = new RequestKey(next.ReplyTo, next.Request.Query.Id, next.Request.Slot, next.Request.Attempt);
            if (_cancelledWhileQueued.Count > 0 && _cancelledWhileQueued.Remove(key))
            {
                continue;
            }

            Start(next.Request, next.ReplyTo);
        }
    }

    private void Cancel(RequestKey key)
    {
        if (_running.Remove(key, out var running))
        {
            running.Source.Cancel();
            _inFlight--;
            _vitals.SetInFlight(_inFlight);
            StartQueued();
            return;
        }

        foreach (var waiting in _queue)
        {
            if (new RequestKey(waiting.ReplyTo, waiting.Request.Query.Id, waiting.Request.Slot, waiting.Request.Attempt) == key)
            {
                _cancelledWhileQueued.Add(key);
                return;
            }
        }
    }

    private void Release(CancellationTokenSource source)
    {
        if (source.TryReset())
        {
            _tokenSources.Push(source);
        }
        else
        {
            source.Dispose();
        }
    }

    protected override void PreRestart(Exception reason, object message)
    {
        _vitals.RecordCrash();
        var why = $"agent '{_agent}' crashed: {reason.Message}";
        if (_log.IsDebugEnabled)
        {
            _log.Debug("{0}; {1} requests lost and reported", why, _running.Count + _queue.Count + (_currentRequest is null ? 0 : 1));
        }

        if (_currentRequest is { } current && _currentReplyTo is { } currentReplyTo)
        {
            ReportCrashed(new Waiting(current, currentReplyTo), why);
        }

        foreach (var running in _running.Values)
        {
            running.Source.Cancel();
            ReportCrashed(running.Waiting, why);
        }

        foreach (var waiting in _queue)
        {
            ReportCrashed(waiting, why);
        }

        _running.Clear();
        _queue.Clear();
        _vitals.SetInFlight(0);
        _vitals.SetQueued(0);
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        var delay = _settings.EffectiveBackoff.For(_vitals.ConsecutiveCrashes);
        if (delay > TimeSpan.Zero)
        {
            _vitals.SetAvailable(false);
            Become(BackingOff);
            _timers.StartSingle(typeof(BackoffElapsed), new BackoffElapsed(_vitals.Restarts), delay);
        }
    }

    protected override void PostStop()
    {
        _timers.Dispose();
        foreach (var running in _running.Values)
        {
            running.Source.Cancel();
        }

        base.PostStop();
    }

    private void ReportCrashed(Waiting waiting, string why) =>
        waiting.ReplyTo.Tell(new AnalysisFailed(waiting.Request.Query.Id, waiting.Request.Slot, waiting.Request.Attempt, _agent, AgentFailureKind.Crashed, why));

    private static Exception? Unwrap(Exception? error)
    {
        while (error is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            error = aggregate.InnerExceptions[0];
        }

        return error;
    }

    private readonly record struct RequestKey(IActorRef ReplyTo, string QueryId, int Slot, int Attempt);

    private sealed record Waiting(Analyze Request, IActorRef ReplyTo);

    private sealed record Running(Waiting Waiting, CancellationTokenSource Source, long Started);

    private sealed record BackendFinished(RequestKey Key, AgentAnalysis? Analysis, Exception? Error);

    /// <param name="Restart">The restart count that started the back-off, so that a stale timer is recognised.</param>
    private sealed record BackoffElapsed(long Restart);
}
