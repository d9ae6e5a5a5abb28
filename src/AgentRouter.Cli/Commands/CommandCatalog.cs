using System.CommandLine;

namespace AgentRouter.Cli.Commands;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return VersionCommand.Build();
        yield return SuiteCommands.Build();
        yield return ReplayCommand.Build();
        yield return BenchActorsCommand.Build();
        yield return NodeCommand.Build();
        yield return ClusterBenchCommand.Build();
    }
}
