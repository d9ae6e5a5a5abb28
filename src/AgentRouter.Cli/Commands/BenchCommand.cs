using System.CommandLine;

namespace AgentRouter.Cli.Commands;

/// <summary>The one <c>agentrouter bench</c> group; each benchmark lives in its own file.</summary>
internal static class BenchCommand
{
    public static Command Build() => new("bench", "Performance benchmarks (results belong in docs/benchmarks/).")
    {
        BenchActorsCommand.Build(),
        BenchHttpCommand.Build(),
        BenchKvCommand.Build(),
        BenchLoadCommand.Build(),
        BenchMoeCommand.Build(),
        BenchLlamaCppCommand.Build(),
        BenchSoakCommand.Build(),
        AgentRouter.Cli.Bench.BareKestrelFloor.BuildCommand(),
    };
}
