using System.Runtime.CompilerServices;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>What one panel member's answer contributes to later feedback.</summary>
public readonly record struct PanelOutcome(string Agent, string? Choice, double LatencyMs, double Cost, OutcomeStatus Status)
{
    public static PanelOutcome From(AgentAnalysis analysis) =>
        new(analysis.Agent, analysis.Choice, analysis.LatencyMs, analysis.Cost, analysis.Status);
}

/// <summary>What a router keeps about an answered query until its feedback arrives or expires, as a plain
/// struct in the <see cref="Feedback.FeedbackLedger{TEntry}"/>'s ring: strings (task type, option list, agent
/// names, choices) are small codes from the router's <see cref="AnsweredQueryCodec"/>, and up to
/// <see cref="InlinePanel"/> members are stored inline. So an answered query leaves nothing on the heap for the
/// GC to promote. The prompt text is not kept: policies learn from the query's id, task type and features.</summary>
/// <remarks>Two references remain, both null in the common case: <see cref="Features"/>, the caller's feature
/// vector (policies such as LinUCB learn from it), and <see cref="Spilled"/>, the whole record as objects when
/// something does not fit inline (a larger panel, or the codec's tables full of distinct strings).</remarks>
internal struct AnsweredQuery
{
    public const int InlinePanel = 4;

    public int TaskType;
    public int Options;
    public int MergedChoice;
    public int PanelCount;
    public InlinePanelMembers Panel;
    public float[]? Features;
    public SpilledAnsweredQuery? Spilled;
}

/// <summary>One panel member's outcome with its agent name and choice as codes.</summary>
internal struct PanelMemberRecord
{
    public int Agent;
    public int Choice;
    public OutcomeStatus Status;
    public double LatencyMs;
    public double Cost;
}

[InlineArray(AnsweredQuery.InlinePanel)]
internal struct InlinePanelMembers
{
    private PanelMemberRecord _first;
}

/// <summary>An answered query that did not fit the inline layout, kept as objects.</summary>
internal sealed record SpilledAnsweredQuery(string? TaskType, IReadOnlyList<string>? Options, PanelOutcome[] Panel, string? MergedChoice);
