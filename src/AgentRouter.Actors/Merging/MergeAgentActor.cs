using System.Globalization;
using Akka.Actor;
using Akka.Event;
using AgentRouter.Actors.Timing;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.MergeProtocol;

namespace AgentRouter.Actors.Merging;

/// <summary>The merge agent: runs merge strategies for routers that delegate them, and the LLM merge — the
/// panel's analyses go, with a merge prompt, to a designated model agent whose reply is parsed into the final
/// choice. When that agent fails, times out or replies with nothing usable, the fallback vote decides and the
/// result says so (<see cref="Merged.FellBack"/> and the rationale).</summary>
public sealed class MergeAgentActor : ReceiveActor
{
    private readonly MergeAgentSettings _settings;
    private readonly Func<string, IMergeStrategy> _resolveMerge;
    private readonly Dictionary<int, PendingLlmMerge> _pending = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClockTimers _timers;
    private int _sequence;

    public MergeAgentActor(MergeAgentSettings settings, Func<string, IMergeStrategy> resolveMerge, TimeProvider? time = null)
    {
        _settings = settings;
        _resolveMerge = resolveMerge;
        _timers = new ClockTimers(time ?? TimeProvider.System, Self);
        Receive<Merge>(OnMerge);
        Receive<AnalysisCompleted>(OnLlmAnswer);
        Receive<AnalysisFailed>(failed => FallBack(failed.Slot, $"merge agent '{failed.Agent}' {failed.Kind.ToString().ToLowerInvariant()}: {failed.Reason}"));
        Receive<LlmMergeTimedOut>(timedOut => FallBack(timedOut.Slot, $"merge agent '{_settings.LlmAgentName}' did not answer within {_settings.EffectiveLlmTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"));
    }

    /// <param name="time">The clock for the LLM merge timeout; null for <see cref="TimeProvider.System"/>.</param>
    public static Props Props(MergeAgentSettings settings, Func<string, IMergeStrategy> resolveMerge, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new MergeAgentActor(settings, resolveMerge, time));

    protected override void PostStop() => _timers.Dispose();

    private void OnMerge(Merge merge)
    {
        var replyTo = Sender;
        if (!string.Equals(merge.Strategy, LlmStrategy, StringComparison.OrdinalIgnoreCase))
        {
            Vote(merge, replyTo, merge.Strategy, fellBack: false, reason: null);
            return;
        }

        if (_settings.LlmAgent is null)
        {
            Vote(merge, replyTo, _settings.FallbackStrategy, fellBack: true, reason: "no LLM merge agent is configured");
            return;
        }

        var slot = ++_sequence;
        var prompt = new Query($"{merge.Context.QueryId}#merge", LlmMergePrompt.Build(merge.QueryText, merge.Options, merge.Analyses), "merge", null, merge.Options);
        _pending[slot] = new PendingLlmMerge(merge, replyTo);

        // The timeout starts before the judge is asked, so that whoever sees the judge working knows the clock runs.
        _timers.StartSingle(slot, new LlmMergeTimedOut(slot), _settings.EffectiveLlmTimeout);
        _settings.LlmAgent.Tell(new Analyze(prompt, slot, 0), Self);
    }

    private void OnLlmAnswer(AnalysisCompleted completed)
    {
        if (!_pending.Remove(completed.Slot, out var pending))
        {
            return; // answered after the timeout: the fallback already decided
        }

        _timers.Cancel(completed.Slot);
        var merge = pending.Request;
        var reply = completed.Analysis;
        if (merge.Options is { Count: > 0 } options)
        {
            var choice = LlmMergePrompt.ParseChoice(reply, options);
            if (choice is null)
            {
                Vote(merge, pending.ReplyTo, _settings.FallbackStrategy, fellBack: true,
                    reason: $"merge agent '{reply.Agent}' replied without naming an option: \"{Shorten(reply.Text)}\"");
                return;
            }

            var supporters = merge.Analyses.Count(a => string.Equals(a.Choice, choice, StringComparison.OrdinalIgnoreCase));
            var result = new MergeResult(LlmStrategy, choice, reply.Text, null, new Dictionary<string, double> { [choice] = 1.0 },
                $"LLM merge by '{reply.Agent}' chose {choice} ({supporters} of {merge.Analyses.Count} panel members had chosen it)");
            pending.ReplyTo.Tell(new Merged(merge.Correlation, result, FellBack: false));
            return;
        }

        // Free text: the merge model's reply is the answer (the ORCH prompt asked it to combine every analysis).
        if (LlmMergePrompt.ParseAnswer(reply) is not { } answer)
        {
            Vote(merge, pending.ReplyTo, _settings.FallbackStrategy, fellBack: true, reason: $"merge agent '{reply.Agent}' replied with no text");
            return;
        }

        var answered = merge.Analyses.Count(a => a.Status == Core.Domain.OutcomeStatus.Succeeded);
        pending.ReplyTo.Tell(new Merged(merge.Correlation,
            new MergeResult(LlmStrategy, null, answer, reply.Agent, new Dictionary<string, double>(),
                $"LLM merge by '{reply.Agent}' wrote the answer from {answered} of {merge.Analyses.Count} panel analyses"),
            FellBack: false));
    }

    private void FallBack(int slot, string reason)
    {
        if (!_pending.Remove(slot, out var pending))
        {
            return;
        }

        _timers.Cancel(slot);
        if (_settings.LlmAgent is not null)
        {
            _settings.LlmAgent.Tell(new CancelAnalysis($"{pending.Request.Context.QueryId}#merge", slot, 0), Self);
        }

        Vote(pending.Request, pending.ReplyTo, _settings.FallbackStrategy, fellBack: true, reason);
    }

    private void Vote(Merge merge, IActorRef replyTo, string strategyName, bool fellBack, string? reason)
    {
        MergeResult result;
        try
        {
            result = _resolveMerge(strategyName).Merge(merge.Analyses, merge.Context);
        }
        catch (Exception e)
        {
            _log.Error(e, "merge strategy {0} failed for query {1}", strategyName, merge.Context.QueryId);
            replyTo.Tell(new MergeFailed(merge.Correlation, $"merge strategy '{strategyName}' failed: {e.Message}" + (reason is null ? "" : $" (after: {reason})")));
            return;
        }

        if (fellBack)
        {
            result = result with { Rationale = $"LLM merge failed ({reason}); fell back to {strategyName}: {result.Rationale}" };
        }

        replyTo.Tell(new Merged(merge.Correlation, result, fellBack));
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private sealed record PendingLlmMerge(Merge Request, IActorRef ReplyTo);

    private sealed record LlmMergeTimedOut(int Slot);
}
