using AgentRouter.Core.Merging;

namespace AgentRouter.Server.Hosting;

/// <summary>The server's merge strategies until the routing core's catalogue lands on this branch:
/// <c>majority</c> (one vote per member, ties to the better-ranked member's choice; free-form answers take
/// the top-ranked member's text) and <c>top-ranked</c> (the best-ranked member's answer).</summary>
internal sealed class VoteMerge(string name) : IMergeStrategy
{
    public string Name { get; } = name;

    public static IMergeStrategy Resolve(string name) => name switch
    {
        "majority" or "top-ranked" => new VoteMerge(name),
        _ => throw new ArgumentException($"Unknown merge strategy '{name}' (known: majority, top-ranked).", nameof(name)),
    };

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        ArgumentNullException.ThrowIfNull(analyses);
        ArgumentNullException.ThrowIfNull(context);
        var ranked = analyses.OrderBy(a => Rank(a.Agent, context)).ToList();
        var votes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var analysis in ranked.Where(a => a.Choice is not null))
        {
            votes[analysis.Choice!] = votes.GetValueOrDefault(analysis.Choice!) + 1;
        }

        if (Name == "top-ranked" || votes.Count == 0)
        {
            var top = ranked[0];
            return new MergeResult(Name, top.Choice, top.Text, top.Agent, votes, $"the top-ranked member '{top.Agent}' answered");
        }

        var best = votes.Max(v => v.Value);
        var winner = ranked.First(a => a.Choice is not null && votes[a.Choice] == best);
        return new MergeResult(Name, winner.Choice, winner.Choice!, null, votes,
            $"{best} of {analyses.Count} votes for '{winner.Choice}'" + (votes.Count(v => v.Value == best) > 1 ? $" (tie broken by rank: '{winner.Agent}')" : ""));
    }

    private static int Rank(string agent, MergeContext context)
    {
        for (var i = 0; i < context.Ranking.Count; i++)
        {
            if (context.Ranking[i] == agent)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
