using System.CommandLine;
using AgentRouter.Cli.Commands;

namespace AgentRouter.Cli;

/// <summary>The <c>agentrouter</c> command line: every command group (one file each under Commands/, exposing a static
/// Build()) under one root. A command line that does not parse — an unknown option, a value of the wrong type, a
/// missing required option — is a usage error: one line per problem on stderr, naming the option, and exit code 2,
/// before any command runs.</summary>
internal static class AgentRouterCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("AgentRouter: routes LLM queries across model agents and merges their answers.");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"error: {problem.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync($"usage: see 'agentrouter {string.Join(' ', CommandPath(parse))} --help'").ConfigureAwait(false);
            return CliErrors.BadInputExitCode;
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }
}
