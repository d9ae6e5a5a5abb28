using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>A query the router has accepted and not yet answered. Mutable, owned by the router actor, and reused:
/// the router keeps ended ones in a bounded pool (<see cref="RouterActor"/>) and <see cref="Start"/>s them again, so a
/// routed query costs no router-state object (it was the largest per-query allocation after the reply itself).</summary>
/// <remarks>The per-slot state of panels up to <see cref="InlineSlots"/> members lives inside this object (larger panels
/// use an array, kept across reuses). An instance is reachable only through the router's in-flight table while it is in
/// use — every message about a query finds it by id there — so one that has ended and gone back to the pool can never be
/// reached by a late reply.</remarks>
internal sealed class InFlightQuery
{
    public const int InlineSlots = 4;

    private SlotState[]? _slotArray;
    private int _panelSize;
    private InlineSlotStates _inlineSlots;

    public Query Query { get; private set; } = null!;

    public IActorRef ReplyTo { get; private set; } = ActorRefs.Nobody;

    public IActorRef? Observer { get; private set; }

    public RoutingDecision Decision { get; private set; } = null!;

    /// <summary>One state per panel slot; valid until the query ends (it may point into this object).</summary>
    public Span<SlotState> Slots => _panelSize > InlineSlots ? _slotArray.AsSpan(0, _panelSize) : MemoryMarshal.CreateSpan(ref _inlineSlots[0], _panelSize);

    /// <summary>The panel's analyses in slot order. A fresh array per query: it is handed to the caller in the reply.</summary>
    public AgentAnalysis?[] Analyses { get; private set; } = [];

    public int Remaining { get; set; }

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

    /// <summary>Begins serving a query: every field is set as a new instance would have it.</summary>
    public void Start(Query query, IActorRef replyTo, IActorRef? observer, RoutingDecision decision, int panelSize)
    {
        Query = query;
        ReplyTo = replyTo;
        Observer = observer;
        Decision = decision;
        _panelSize = panelSize;
        if (panelSize > InlineSlots && (_slotArray is null || _slotArray.Length < panelSize))
        {
            _slotArray = new SlotState[panelSize];
        }

        Slots.Clear();
        Analyses = new AgentAnalysis?[panelSize];
        Remaining = panelSize;
        RetriesLeft = 0;
        Retries = 0;
        DeadlineTicks = 0;
        AgentDeadlineTicks = 0;
        MergeStrategy = "";
        MergeCorrelation = 0;
        InvalidQuery = null;
        Span = null;
        AgentSpans = null;
        MergeSpan = null;
        Tried = null;
    }

    /// <summary>Drops the references to the ended query's objects, so a pooled instance keeps none of them alive.</summary>
    public void Clear()
    {
        Query = null!;
        ReplyTo = ActorRefs.Nobody;
        Observer = null;
        Decision = null!;
        Analyses = [];
        InvalidQuery = null;
        Span = null;
        AgentSpans = null;
        MergeSpan = null;
        Tried = null;
    }
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
