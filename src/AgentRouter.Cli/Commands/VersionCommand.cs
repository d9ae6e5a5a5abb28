using System.CommandLine;
using System.Reflection;

namespace AgentRouter.Cli.Commands;

internal static class VersionCommand
{
    public static Command Build()
    {
        var command = new Command("version", "Print the AgentRouter version.");
        command.SetAction(_ =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"agentrouter {version}");
            return 0;
        });
        return command;
    }
}
