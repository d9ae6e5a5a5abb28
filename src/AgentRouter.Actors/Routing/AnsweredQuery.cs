using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>What one panel member's answer contributes to later feedback.</summary>
public readonly record struct PanelOutcome(string Agent, string? Choice, double LatencyMs, double Cost, OutcomeStatus Status)
{
    public static PanelOutcome From(AgentAnalysis analysis) =>
        new(analysis.Agent, analysis.Choice, analysis.LatencyMs, analysis.Cost, analysis.Status);
}

/// <summary>What a router keeps about an answered query until its feedback arrives or expires. Deliberately
/// small and flat — one array per query besides the id — because up to <see cref="RouterSettings.PendingFeedbackCapacity"/>
/// of them live long enough to be promoted by the GC, which at high rates costs more than routing itself. The
/// prompt text is not kept: policies learn from the query's id, task type and features.</summary>
internal readonly record struct AnsweredQuery(
    string? TaskType, float[]? Features, IReadOnlyList<string>? Options, PanelOutcome[] Panel, string? MergedChoice)
{
    public static AnsweredQuery From(Query query, AgentAnalysis[] analyses, string? mergedChoice)
    {
        var panel = new PanelOutcome[analyses.Length];
        for (var i = 0; i < analyses.Length; i++)
        {
            panel[i] = PanelOutcome.From(analyses[i]);
        }

        return new AnsweredQuery(query.TaskType, query.Features, query.Options, panel, mergedChoice);
    }

    /// <summary>The query as policies see it when they learn (its text is not kept).</summary>
    public Query ToQuery(string id) => new(id, string.Empty, TaskType, Features, Options);
}
