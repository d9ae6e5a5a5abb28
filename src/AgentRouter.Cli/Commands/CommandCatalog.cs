using System.CommandLine;

namespace AgentRouter.Cli.Commands;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return VersionCommand.Build();
        yield return ModelCommands.Build();
        yield return SuiteCommands.Build();
        yield return TrainCommand.Build();
        yield return EvalCommand.Build();
        yield return RunCommand.Build();
        yield return ReplayCommand.Build();
        yield return ServeCommand.Build();

        // One 'bench' group: 'bench actors', 'bench http' and 'bench moe' (two groups named 'bench' make every parse throw).
        var bench = BenchActorsCommand.Build();
        bench.Subcommands.Add(BenchHttpCommand.Build());
        foreach (var moe in BenchMoeCommand.Build().Subcommands.ToList())
        {
            bench.Subcommands.Add(moe);
        }
        yield return bench;
        yield return NodeCommand.Build();
        yield return ClusterBenchCommand.Build();
    }
}
