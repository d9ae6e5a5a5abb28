using System.Diagnostics;
using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>Closed-loop load: keeps <c>window</c> queries in flight on a router, sending the next as each
/// terminal reply arrives, and records reply latency. Counts every outcome so that lost queries show.</summary>
internal sealed class LoadClientActor : ReceiveActor
{
    private static readonly string[] Options = ["A", "B", "C", "D"];
    private readonly IActorRef _router;
    private readonly int _window;
    private readonly string _prefix;
    private readonly Dictionary<string, long> _outstanding = new(StringComparer.Ordinal);
    private readonly LatencyHistogram _latency = new();
    private long _sequence;
    private long _answered;
    private long _failed;
    private long _sent;
    private bool _stopping;
    private TaskCompletionSource<ClientReport>? _drained;

    public LoadClientActor(IActorRef router, int window, string prefix)
    {
        _router = router;
        _window = window;
        _prefix = prefix;
        Receive<Start>(_ =>
        {
            for (var i = 0; i < _window; i++)
            {
                SendNext();
            }
        });
        Receive<QueryOutcome>(OnOutcome);
        Receive<BeginMeasure>(_ =>
        {
            _latency.Clear();
            _answered = _failed = _sent = 0;
        });
        Receive<Snapshot>(s => s.Reply.TrySetResult(Report()));
        Receive<StopAndDrain>(s =>
        {
            _stopping = true;
            _drained = s.Reply;
            CompleteIfDrained();
        });
    }

    public static Props Props(IActorRef router, int window, string prefix) => Akka.Actor.Props.Create(() => new LoadClientActor(router, window, prefix));

    private ClientReport Report() => new(_sent, _answered, _failed, _outstanding.Count, _latency.Copy());

    private void SendNext()
    {
        var id = _prefix + (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _outstanding[id] = Stopwatch.GetTimestamp();
        _sent++;
        _router.Tell(new RouteQuery(new Query(id, "benchmark question", Options: Options)), Self);
    }

    private void OnOutcome(QueryOutcome outcome)
    {
        if (!_outstanding.Remove(outcome.QueryId, out var started))
        {
            throw new InvalidOperationException($"second or unknown terminal reply for query '{outcome.QueryId}'");
        }

        _latency.Record(Stopwatch.GetTimestamp() - started);
        if (outcome is QueryAnswered)
        {
            _answered++;
        }
        else
        {
            _failed++;
        }

        if (_stopping)
        {
            CompleteIfDrained();
        }
        else
        {
            SendNext();
        }
    }

    private void CompleteIfDrained()
    {
        if (_outstanding.Count == 0)
        {
            _drained?.TrySetResult(Report());
        }
    }

    public sealed record Start;

    public sealed record BeginMeasure;

    public sealed record Snapshot(TaskCompletionSource<ClientReport> Reply);

    public sealed record StopAndDrain(TaskCompletionSource<ClientReport> Reply);
}

/// <param name="Outstanding">Queries sent and not (yet) answered.</param>
internal sealed record ClientReport(long Sent, long Answered, long Failed, int Outstanding, LatencyHistogram Latency);
