using System.Threading.Channels;
using StackExchange.Redis;

namespace AgentRouter.Cluster.State;

/// <summary>The single path by which a node writes shared state. Callers (router actors, the client facade)
/// only enqueue, never wait on Redis. One loop sends the buffer in order, pipelined in batches; while Redis is
/// unreachable the batch is kept and retried, the buffer keeps filling up to its bound (then drops the oldest,
/// counted), and the node is marked degraded until a batch goes through.</summary>
public sealed class ClusterStateWriter
{
    private const int BatchSize = 256;
    private readonly IDatabase _database;
    private readonly ClusterKeys _keys;
    private readonly SharedStateOptions _options;
    private readonly ClusterStateMonitor _monitor;
    private readonly Channel<PendingWrite> _buffer;

    public ClusterStateWriter(IDatabase database, ClusterKeys keys, SharedStateOptions options, ClusterStateMonitor monitor)
    {
        _database = database;
        _keys = keys;
        _options = options;
        _monitor = monitor;
        _buffer = Channel.CreateBounded<PendingWrite>(
            new BoundedChannelOptions(options.EffectiveBufferCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => monitor.CountDropped());
    }

    public void Enqueue(PendingWrite write)
    {
        if (!_buffer.Writer.TryWrite(write))
        {
            throw new InvalidOperationException("the shared-state writer has stopped; the node is shutting down");
        }
    }

    /// <summary>Stops accepting writes; <see cref="RunAsync"/> ends after sending what is buffered.</summary>
    public void Complete() => _buffer.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingWrite>(BatchSize);
        var reader = _buffer.Reader;
        while (batch.Count > 0 || await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            _monitor.SetBuffered(reader.Count + batch.Count);
            try
            {
                await Task.WhenAll(batch.Select(Send)).ConfigureAwait(false);
                batch.Clear();
                _monitor.SetBuffered(reader.Count);
                _monitor.ReportReachable();
            }
            catch (Exception e) when (RedisConnection.IsUnreachable(e))
            {
                _monitor.ReportUnreachable(e);
                await Task.Delay(_options.EffectiveRetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The one write a caller waits for: a feedback acknowledgement promises that the feedback (and, when
    /// given, its query's answered record) is in Redis, so both are written now, not buffered. The record first: the
    /// feedback entry is only appended once the record it credits is stored.</summary>
    /// <exception cref="RedisConnectionException">Redis is unreachable (commands fail fast while disconnected).</exception>
    /// <exception cref="RedisTimeoutException">Redis did not answer within the connection's timeout (2 s).</exception>
    public async Task AppendFeedbackNowAsync(FeedbackEntry entry, string? answeredJson, CancellationToken cancellationToken)
    {
        if (answeredJson is not null)
        {
            await _database.StringSetAsync(_keys.Answered(entry.QueryId), answeredJson, _options.EffectiveAnsweredTimeToLive)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _database.StreamAddAsync(_keys.Feedback, "f", entry.ToJson(), maxLength: _options.EffectiveFeedbackStreamMaxLength, useApproximateMaxLength: true)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task Send(PendingWrite write) => write switch
    {
        PendingWrite.OutcomeAppend append => _database.ScriptEvaluateAsync(
            RedisScripts.AppendOutcomesOnce,
            [_keys.Appended(append.Router, append.EventId), _keys.Outcomes(append.Router)],
            [(long)(_options.EffectiveAnsweredTimeToLive.TotalSeconds * 2), _options.EffectiveOutcomeLogMaxLength, .. append.Payloads.Select(p => (RedisValue)p)]),
        PendingWrite.AnsweredRecord answered => _database.StringSetAsync(_keys.Answered(answered.QueryId), answered.Json, _options.EffectiveAnsweredTimeToLive),
        PendingWrite.FeedbackAppend feedback => _database.StreamAddAsync(
            _keys.Feedback, "f", feedback.Json, maxLength: _options.EffectiveFeedbackStreamMaxLength, useApproximateMaxLength: true),
        _ => throw new ArgumentOutOfRangeException(nameof(write), write.GetType().Name, "unknown pending write"),
    };
}
