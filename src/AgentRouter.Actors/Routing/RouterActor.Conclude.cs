using Akka.Actor;
using Akka.Event;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Tracing;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Routing;

/// <summary>Ending a query: merge (inline or by the merge agent), answer or fail exactly once, cancellation.</summary>
public sealed partial class RouterActor
{
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

        if (succeeded == 0 && query.InvalidQuery is { } invalid)
        {
            Fail(query, QueryFailureReason.Rejected, $"agent '{invalid.Agent}' cannot serve this query: {invalid.Reason}", invalid.Field);
            return;
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
        var context = new MergeContext(query.Query.Id, query.Decision.Panel, Options: query.Query.Options);
        if (string.Equals(query.MergeStrategy, MergeProtocol.LlmStrategy, StringComparison.OrdinalIgnoreCase))
        {
            if (_mergeAgent is null)
            {
                Fail(query, QueryFailureReason.MergeFailed, "an LLM merge was requested but no merge agent is configured");
                return;
            }

            query.MergeSpan = query.Span is null ? null : RouterTracing.StartDetached(RouterTracing.MergeSpan, query.Span.Context)?
                .SetTag("agentrouter.merge_strategy", MergeProtocol.LlmStrategy);
            query.MergeCorrelation = ++_mergeSequence;
            _merging[query.MergeCorrelation] = query.Query.Id;
            _mergeAgent.Tell(new MergeProtocol.Merge(query.MergeCorrelation, MergeProtocol.LlmStrategy, query.Query.Text, query.Query.Options, answers, context), Self);
            return;
        }

        TryResolveMerge(query.MergeStrategy, out var strategy, out _);
        MergeResult result;
        var mergeSpan = query.Span is null ? null : RouterTracing.StartDetached(RouterTracing.MergeSpan, query.Span.Context)?
            .SetTag("agentrouter.merge_strategy", query.MergeStrategy).SetTag("agentrouter.answers", answers.Count);
        try
        {
            result = strategy!.Merge(answers, context);
            mergeSpan?.Dispose();
        }
        catch (Exception e)
        {
            RouterTracing.Fail(mergeSpan, nameof(QueryFailureReason.MergeFailed));
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
            query.MergeSpan?.SetTag("agentrouter.merge_fell_back", merged.FellBack).Dispose();
            Answer(query, merged.Result, merged.FellBack);
        }
    }

    private void OnMergeFailed(MergeProtocol.MergeFailed failed)
    {
        if (_merging.Remove(failed.Correlation, out var queryId) && _inFlight.TryGetValue(queryId, out var query) && query.MergeCorrelation == failed.Correlation)
        {
            Fail(query, QueryFailureReason.MergeFailed, failed.Reason); // Fail ends the merge span
        }
    }

    private void Answer(InFlightQuery query, MergeResult result, bool fellBack)
    {
        var id = query.Query.Id;
        _inFlight.Remove(id);
        var analyses = (AgentAnalysis[])query.Analyses!;
        _ledger.Add(id, _answeredCodec.Encode(query.Query, analyses, result.Choice), _time.GetTimestamp());
        _answered++;
        if (query.Span is { } span)
        {
            span.SetTag("agentrouter.choice", result.Choice).SetTag("agentrouter.retries", query.Retries).Dispose();
        }

        query.ReplyTo.Tell(new QueryAnswered(id, _settings.Name, result, analyses, query.Decision, query.Retries, fellBack));
        ReturnQuery(query);
    }

    private void Fail(InFlightQuery query, QueryFailureReason reason, string message, string? field = null)
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

        if (query.Span is not null)
        {
            for (var slot = 0; slot < query.Slots.Length; slot++)
            {
                EndAgentSpan(query, slot, reason.ToString());
            }

            RouterTracing.Fail(query.MergeSpan, reason.ToString());
            RouterTracing.Fail(query.Span, reason.ToString());
        }

        _failed++;
        var analyses = query.Analyses.Where(a => a is not null).Select(a => a!).ToArray();
        query.ReplyTo.Tell(new QueryFailed(query.Query.Id, _settings.Name, reason, message, analyses, field));
        ReturnQuery(query);
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
}
