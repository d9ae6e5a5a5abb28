using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is selectable with the usual switcher arguments, e.g.
//   dotnet run -c Release --project src/AgentRouter.Benchmarks -- --filter '*PolicyDecision*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
