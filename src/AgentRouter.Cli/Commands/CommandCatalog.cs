using System.CommandLine;

namespace AgentRouter.Cli.Commands;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return VersionCommand.Build();
        yield return ModelCommands.Build();
        yield return BenchMoeCommand.Build();
        yield return SuiteCommands.Build();
        yield return ReplayCommand.Build();
        yield return ServeCommand.Build();

        // One 'bench' group: 'bench actors' and 'bench http'.
        var bench = BenchActorsCommand.Build();
        bench.Subcommands.Add(BenchHttpCommand.Build());
        yield return bench;
        yield return NodeCommand.Build();
        yield return ClusterBenchCommand.Build();
    }
}
