using AgentRouter.Cli;

return await AgentRouterCli.RunAsync(args, Console.Error);
