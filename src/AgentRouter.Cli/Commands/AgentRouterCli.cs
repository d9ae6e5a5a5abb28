using System.CommandLine;

namespace AgentRouter.Cli.Commands;

/// <summary>The whole command line: the root command with every command group. The docs tests parse the README's and
/// docs' commands with it, so documented flags cannot drift from the parser.</summary>
internal static class AgentRouterCli
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("AgentRouter: routes LLM queries across model agents and merges their answers.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
