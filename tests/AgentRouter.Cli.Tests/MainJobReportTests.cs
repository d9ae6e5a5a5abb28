using AgentRouter.Cli.MainJob;
using AgentRouter.Inference.Training;

namespace AgentRouter.Cli.Tests;

public sealed class MainJobReportTests
{
    [Fact]
    public void The_domain_table_gives_the_share_sent_to_the_best_agent_overall_and_in_the_second_half_and_names_the_runner_up()
    {
        // Offline: on counting, "specialist" 6/10 is best and "close" 5/10 the runner-up; "guesser" 2/10.
        var oracle = new MainJobOracle(
        [
            ("specialist", new EvaluationReport([new DomainAccuracy("counting", 6, 10)])),
            ("close", new EvaluationReport([new DomainAccuracy("counting", 5, 10)])),
            ("guesser", new EvaluationReport([new DomainAccuracy("counting", 2, 10)])),
        ]);

        // Ten queries; the router explores in the first half (1 of 5 to the specialist), then converges on it.
        var records = Enumerable.Range(0, 10)
            .Select(step => new MainJobRecord(step, "counting", true,
                [new AgentAnswerRecord(step >= 5 || step == 0 ? "specialist" : "guesser", true, 0.01, 5, 7)]))
            .ToList();

        var table = MainJobReport.Table("ema", records, oracle);

        Assert.Contains("| best agent (offline accuracy) | runner-up | sent to best | sent to best, 2nd half |", table, StringComparison.Ordinal);
        Assert.Contains("| counting | 10 | 100.0 % | specialist (60 %) | close (50 %) | 60 % | 100 % |", table, StringComparison.Ordinal);
    }
}
