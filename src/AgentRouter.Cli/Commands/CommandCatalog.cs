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
    }
}
