using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>A query the router has accepted and not yet answered. Mutable, owned by the router actor.</summary>
internal sealed class InFlightQuery(Query query, IActorRef replyTo, IActorRef? observer, RoutingDecision decision, int panelSize)
{
    public Query Query { get; } = query;

    public IActorRef ReplyTo { get; } = replyTo;

    public IActorRef? Observer { get; } = observer;

    public RoutingDecision Decision { get; } = decision;

    public SlotState[] Slots { get; } = new SlotState[panelSize];

    public AgentAnalysis?[] Analyses { get; } = new AgentAnalysis?[panelSize];

    public int Remaining { get; set; } = panelSize;

    public int RetriesLeft { get; set; }

    public int Retries { get; set; }

    public long DeadlineTicks { get; set; }

    public long AgentDeadlineTicks { get; set; }

    public string MergeStrategy { get; set; } = "";

    /// <summary>Non-zero while the merge agent works on this query.</summary>
    public long MergeCorrelation { get; set; }

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
