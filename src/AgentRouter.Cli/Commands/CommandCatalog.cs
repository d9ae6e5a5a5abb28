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
        yield return BenchCommand.Build();
        yield return NodeCommand.Build();
        yield return ClusterBenchCommand.Build();
        yield return DataCommands.Build();
    }
}
