using System.CommandLine;
using AgentRouter.Cli.Commands;

// Each command group lives in its own file under Commands/ and exposes a static Build().
var root = new RootCommand("AgentRouter: routes LLM queries across model agents and merges their answers.");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
