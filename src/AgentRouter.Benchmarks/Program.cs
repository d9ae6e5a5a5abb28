using AgentRouter.Benchmarks;
using BenchmarkDotNet.Running;

// "cpu-probe" times the replay benchmarks by CPU time instead of wall time, for numbers that survive a
// shared, loaded machine: dotnet run -c Release --project src/AgentRouter.Benchmarks -- cpu-probe
if (args is ["cpu-probe", ..])
{
    return CpuTimeProbe.Run();
}

// Every benchmark class in this assembly is selectable with the usual switcher arguments, e.g.
//   dotnet run -c Release --project src/AgentRouter.Benchmarks -- --filter '*PolicyDecision*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
