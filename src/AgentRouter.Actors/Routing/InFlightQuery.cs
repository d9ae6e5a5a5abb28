using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>A query the router has accepted and not yet answered. Mutable, owned by the router actor.</summary>
/// <remarks>The per-slot state of panels up to <see cref="InlineSlots"/> members lives inside this object, so a
/// query costs one object here rather than two (larger panels use an array).</remarks>
internal sealed class InFlightQuery(Query query, IActorRef replyTo, IActorRef? observer, RoutingDecision decision, int panelSize)
{
    public const int InlineSlots = 4;

    private readonly SlotState[]? _slotArray = panelSize > InlineSlots ? new SlotState[panelSize] : null;
    private readonly int _panelSize = panelSize;
    private InlineSlotStates _inlineSlots;

    public Query Query { get; } = query;

    public IActorRef ReplyTo { get; } = replyTo;

    public IActorRef? Observer { get; } = observer;

    public RoutingDecision Decision { get; } = decision;

    /// <summary>One state per panel slot; valid as long as this object is (it may point into it).</summary>
    public Span<SlotState> Slots => _slotArray ?? MemoryMarshal.CreateSpan(ref _inlineSlots[0], _panelSize);

    public AgentAnalysis?[] Analyses { get; } = new AgentAnalysis?[panelSize];

    public int Remaining { get; set; } = panelSize;

    public int RetriesLeft { get; set; }

    public int Retries { get; set; }

    public long DeadlineTicks { get; set; }

    public long AgentDeadlineTicks { get; set; }

    public string MergeStrategy { get; set; } = "";

    /// <summary>Non-zero while the merge agent works on this query.</summary>
    public long MergeCorrelation { get; set; }

    /// <summary>The first panel member's refusal of the query itself (<see cref="Protocol.AgentFailureKind.InvalidQuery"/>):
    /// when nobody answers, the query is rejected with it rather than failed.</summary>
    public Protocol.AgentProtocol.AnalysisFailed? InvalidQuery { get; set; }

    /// <summary>The query's span in the router (<see cref="Tracing.RouterTracing.RouteSpan"/>); null when untraced.</summary>
    public System.Diagnostics.Activity? Span { get; set; }

    /// <summary>One open agent-call span per slot while traced; null when untraced.</summary>
    public System.Diagnostics.Activity?[]? AgentSpans { get; set; }

    /// <summary>The LLM merge's span while the merge agent works; null otherwise.</summary>
    public System.Diagnostics.Activity? MergeSpan { get; set; }

    /// <summary>Agents already asked for this query (panel and retries), so a retry never repeats one.</summary>
    public HashSet<int>? Tried { get; set; }
}

internal struct SlotState
{
    public int Agent;
    public int Attempt;
    public bool Done;
    public long StartedTicks;
    public long DeadlineTicks;
}

[InlineArray(InFlightQuery.InlineSlots)]
internal struct InlineSlotStates
{
    private SlotState _first;
}
