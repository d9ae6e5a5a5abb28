using System.CommandLine;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter bench ...</c>: load measurements whose results go to docs/benchmarks/.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var command = new Command("bench", "Load benchmarks (results belong in docs/benchmarks/).");
        command.Subcommands.Add(BenchHttpCommand.Build());
        return command;
    }
}
