namespace AgentRouter.Actors.Replay;

/// <summary>The tallies of one replay driven through the actor runtime.</summary>
/// <param name="Concurrency">Queries in flight at once (1: one at a time, each query's feedback before the next).</param>
/// <param name="Failed">Queries that ended with a typed error instead of an answer (scored 0, no cost).</param>
/// <param name="Panels">The panel the router chose, by query id.</param>
public sealed record ActorReplayRun(
    string Policy,
    int Concurrency,
    int Queries,
    int Failed,
    double QualitySum,
    double TotalCost,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Panels)
{
    public double Accuracy => Queries == 0 ? 0 : QualitySum / Queries;

    public double MeanCost => Queries == 0 ? 0 : TotalCost / Queries;
}

/// <summary>The same policy replayed directly (the routing core's engine) and through the actors.</summary>
/// <param name="SameDecisions">Fraction of queries whose panel was identical in both runs.</param>
public sealed record ActorReplayComparison(
    string Policy,
    double DirectAccuracy,
    double DirectTotalCost,
    ActorReplayRun ViaActors,
    double SameDecisions)
{
    public double AccuracyDrift => ViaActors.Accuracy - DirectAccuracy;

    public double CostDrift => ViaActors.TotalCost - DirectTotalCost;
}
