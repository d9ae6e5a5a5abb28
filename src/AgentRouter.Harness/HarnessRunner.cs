using System.Collections.Concurrent;
using AgentRouter.Core.Harness;

namespace AgentRouter.Harness;

/// <summary>Why a run ended.</summary>
public enum HarnessStop
{
    Completed,
    BudgetReached,
    Cancelled,
}

/// <summary>Progress after each completed call.</summary>
/// <param name="Accuracy">Mean correctness of the scored calls so far (this run and the resumed log); null before any.</param>
public sealed record HarnessProgress(int Done, int Total, double? Accuracy, double Spent, int Failed);

/// <summary>How a run ended and what it did.</summary>
public sealed record HarnessRunResult(HarnessStop Stop, int CallsMade, int CallsSkipped, int CallsLeft, double Spent, IReadOnlyList<CallRecord> Records);

/// <summary>Sends every item to every target (collection mode: one target per agent; routed mode: one router
/// target), in dataset order, with at most each target's <see cref="IHarnessTarget.Concurrency"/> calls in
/// flight. Each completed call is scored and appended to the <see cref="CallLog"/> at once. Calls already in the
/// log (a resumed run) are skipped. The budget stops the run cleanly: once recorded spend reaches it no new call
/// starts and the calls in flight complete and are recorded. Cancellation (Ctrl-C) stops new calls and abandons
/// the ones in flight (unrecorded, so a resumed run makes them).</summary>
public sealed class HarnessRunner(IReadOnlyList<IHarnessTarget> targets, CallLog log, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Stop starting calls once this much (US dollars) has been spent, resumed calls included; null for no cap.</summary>
    public double? MaxCost { get; init; }

    public Action<HarnessProgress>? Progress { get; init; }

    public async Task<HarnessRunResult> RunAsync(IReadOnlyList<HarnessItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var done = log.Existing.Select(r => r.Key).ToHashSet();
        var records = new ConcurrentBag<CallRecord>(log.Existing);
        var pending = new List<(HarnessItem Item, IHarnessTarget Target)>();
        foreach (var item in items)
        {
            foreach (var target in targets)
            {
                if (!done.Contains((item.Id, target.Name)))
                {
                    pending.Add((item, target));
                }
            }
        }

        var total = items.Count * targets.Count;
        var state = new RunState(log.Existing);
        var limits = targets.ToDictionary(t => t.Name, t => new SemaphoreSlim(Math.Max(1, t.Concurrency)));
        using var stopStarting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var made = 0;
        var stop = HarnessStop.Completed;
        var running = new List<Task>();
        try
        {
            foreach (var (item, target) in pending)
            {
                // Waiting for a slot in dataset order keeps the work (and the log) roughly in dataset order.
                await limits[target.Name].WaitAsync(stopStarting.Token).ConfigureAwait(false);
                if (MaxCost is { } cap && state.Spent >= cap)
                {
                    limits[target.Name].Release();
                    stop = HarnessStop.BudgetReached;
                    break;
                }

                Interlocked.Increment(ref made);
                running.Add(RunOneAsync(item, target, limits[target.Name], state, records, total, cancellationToken));
                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stop = HarnessStop.Cancelled;
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            stop = HarnessStop.Cancelled;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            stop = HarnessStop.Cancelled;
        }

        log.FlushToDisk();
        var all = records.OrderBy(r => r.Sequence).ToList();
        var recorded = all.Select(r => r.Key).ToHashSet();
        var left = items.Sum(i => targets.Count(t => !recorded.Contains((i.Id, t.Name))));
        return new HarnessRunResult(stop, all.Count - log.Existing.Count, log.Existing.Count, left, state.Spent, all);
    }

    private async Task RunOneAsync(HarnessItem item, IHarnessTarget target, SemaphoreSlim limit, RunState state, ConcurrentBag<CallRecord> records, int total, CancellationToken cancellationToken)
    {
        try
        {
            CallRecord record;
            try
            {
                var reply = await target.CallAsync(item, cancellationToken).ConfigureAwait(false);
                record = ToRecord(item, target, reply);
            }
            catch (Exception error) when (!cancellationToken.IsCancellationRequested)
            {
                record = new CallRecord(0, item.Id, target.Name, item.TaskType, false, null, null, null, 0, CostSources.None, null, null, 0, null,
                    (error as EndpointCallException)?.Attempts ?? 1, error.Message, _time.GetUtcNow());
            }

            record = log.Append(record);
            records.Add(record);
            // Counted whether or not anyone watches progress: the budget reads the spend.
            var progress = state.Add(record, total);
            Progress?.Invoke(progress);
            if (record.Succeeded)
            {
                await target.ReportAsync(item, record, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            limit.Release();
        }
    }

    private CallRecord ToRecord(HarnessItem item, IHarnessTarget target, TargetReply reply)
    {
        var score = AnswerScorer.Score(item, reply.Response);
        var members = reply.Members?.Select(m => new MemberCall(m.Agent, m.Succeeded ? m.Response : null,
            m.Succeeded ? AnswerScorer.Score(item, m.Response).Correct : null, m.Cost, m.LatencyMs, m.Succeeded)).ToList();
        return new CallRecord(0, item.Id, target.Name, item.TaskType, true, reply.Response, score.Extracted, score.Correct, reply.Cost, reply.CostSource,
            reply.InputTokens, reply.OutputTokens, reply.LatencyMs, reply.TtftMs, reply.Attempts, null, _time.GetUtcNow(), reply.Panel, members);
    }

    /// <summary>Running totals, updated by many completing calls at once.</summary>
    private sealed class RunState
    {
        private readonly Lock _gate = new();
        private int _done;
        private int _scored;
        private int _failed;
        private double _correct;
        private double _spent;

        public RunState(IEnumerable<CallRecord> existing)
        {
            foreach (var record in existing)
            {
                Count(record);
            }
        }

        public double Spent
        {
            get
            {
                lock (_gate)
                {
                    return _spent;
                }
            }
        }

        public HarnessProgress Add(CallRecord record, int total)
        {
            lock (_gate)
            {
                Count(record);
                return new HarnessProgress(_done, total, _scored == 0 ? null : _correct / _scored, _spent, _failed);
            }
        }

        private void Count(CallRecord record)
        {
            _done++;
            _spent += record.Cost;
            if (!record.Succeeded)
            {
                _failed++;
            }
            else if (record.Correct is { } correct)
            {
                _scored++;
                _correct += correct;
            }
        }
    }
}
