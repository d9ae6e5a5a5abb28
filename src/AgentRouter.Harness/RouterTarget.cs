using System.Diagnostics;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Harness;
using AgentRouter.Core.Merging;

namespace AgentRouter.Harness;

/// <summary>A router of an in-process actor runtime as a harness target. Routed mode (<paramref name="routed"/>):
/// the policy picks the panel per item, the record carries the panel and every member's answer, and the
/// score goes back to the router as feedback so that the policy learns as the run goes. Otherwise it is one
/// agent behind a fixed router (collection mode over agent kinds that have no HTTP endpoint).</summary>
public sealed class RouterTarget(IAgentRouter client, string router, string name, bool routed, int? panelSize, string? merge, int concurrency) : IHarnessTarget
{
    public string Name { get; } = name;

    public int Concurrency { get; } = concurrency;

    public async Task<TargetReply> CallAsync(HarnessItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var started = Stopwatch.GetTimestamp();
        var query = new Query(QueryId(item), item.Prompt, item.TaskType, null, item.Options ?? OptionLetters.FromPrompt(item.Prompt));
        var answered = await client.AskAsync(query, new AskOptions(router, routed ? panelSize : 1, routed ? merge : null), cancellationToken).ConfigureAwait(false);
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var cost = answered.Analyses.Sum(a => a.Cost);
        if (!routed)
        {
            var own = answered.Analyses.FirstOrDefault(a => a.Status == OutcomeStatus.Succeeded);
            return new TargetReply(own?.Text ?? answered.Answer.Text, null, null, cost, CostSources.Reported, latency, null, 1 + answered.Retries);
        }

        var members = answered.Analyses.Select(a => new MemberReply(a.Agent, a.Text, a.Cost, a.LatencyMs, a.Status == OutcomeStatus.Succeeded)).ToList();
        return new TargetReply(answered.Answer.Text, null, null, cost, CostSources.Reported, latency, null, 1 + answered.Retries, answered.Decision.Panel, members);
    }

    /// <summary>Feedback: the right option when known (members that chose it are rewarded), else the merged answer's correctness.</summary>
    public async Task ReportAsync(HarnessItem item, CallRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(record);
        FeedbackSignal? signal = item.Scoring == ScoringKind.MultipleChoice && item.Answer is { } letter
            ? new FeedbackSignal.CorrectChoice(letter)
            : record.Correct is { } correct ? new FeedbackSignal.AnswerCorrectness(correct >= 1) : null;
        if (signal is not null)
        {
            await client.SubmitFeedbackAsync(QueryId(item), signal, cancellationToken).ConfigureAwait(false);
        }
    }

    private string QueryId(HarnessItem item) => $"{Name}/{item.Id}";
}
