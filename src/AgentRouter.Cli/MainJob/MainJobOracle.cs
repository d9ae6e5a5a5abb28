using AgentRouter.Cli.Commands;
using AgentRouter.Inference.Training;

namespace AgentRouter.Cli.MainJob;

/// <summary>Every agent's accuracy on the run's own queries, scored offline (all agents on all queries): the
/// yardstick for routing — each domain's best agent, and the best single agent overall.</summary>
internal sealed class MainJobOracle
{
    public MainJobOracle(IReadOnlyList<(string Agent, EvaluationReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        BestPerDomain = LocalAgentEvaluation.BestPerDomain(reports);
        RunnerUpPerDomain = reports
            .SelectMany(entry => entry.Report.Domains.Select(domain => (entry.Agent, domain.Domain, domain.Accuracy)))
            .GroupBy(entry => entry.Domain, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .ToDictionary(
                group => group.Key,
                group => group.OrderByDescending(entry => entry.Accuracy).ThenBy(entry => entry.Agent, StringComparer.Ordinal)
                    .Select(entry => (entry.Agent, entry.Accuracy)).ElementAt(1),
                StringComparer.Ordinal);
        BestSingle = reports.Count == 0
            ? ("(none)", 0)
            : reports.OrderByDescending(entry => entry.Report.Accuracy).ThenBy(entry => entry.Agent, StringComparer.Ordinal)
                .Select(entry => (entry.Agent, entry.Report.Accuracy)).First();
    }

    /// <summary>Domain → the agent with the highest accuracy on that domain's queries (ties: first by name).</summary>
    public IReadOnlyDictionary<string, (string Agent, double Accuracy)> BestPerDomain { get; }

    /// <summary>Domain → the second-best agent: when it is within a few points of the best, no router can tell the
    /// two apart in 60 queries, and "sent to best" measures luck.</summary>
    public IReadOnlyDictionary<string, (string Agent, double Accuracy)> RunnerUpPerDomain { get; }

    /// <summary>The agent with the highest accuracy over all the queries: what routing plus merging has to beat.</summary>
    public (string Agent, double Accuracy) BestSingle { get; }
}
