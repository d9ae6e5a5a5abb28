using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cli.Bench;

/// <summary>The reply of a bench stand-in for the router (no policy, no analyses, no merge): the same message type a
/// client of the real router receives, built from parts made once so that the stand-in's own cost stays the floor it is
/// meant to measure.</summary>
internal sealed class StandInAnswer(string name, string answer)
{
    private static readonly AgentAnalysis[] NoAnalyses = [];
    private readonly MergeResult _merge = new(answer, null, "", null, new Dictionary<string, double>(), name);
    private readonly RoutingDecision _decision = new("", name, [], [], name);

    public QueryAnswered For(string queryId) => new(queryId, name, _merge, NoAnalyses, _decision, 0, false);
}
