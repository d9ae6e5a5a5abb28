using AgentRouter.Cli.Commands;

// Each command group lives in its own file under Commands/ and exposes a static Build(); AgentRouterCli assembles them.
return await AgentRouterCli.CreateRootCommand().Parse(args).InvokeAsync();
