using AgentRouter.Benchmarks;
using BenchmarkDotNet.Running;

// "cpu-probe" times the replay benchmarks by CPU time instead of wall time, for numbers that survive a
// shared, loaded machine: dotnet run -c Release --project src/AgentRouter.Benchmarks -- cpu-probe [QUERIES]
// (QUERIES: workload size, default 100,000; a few thousand fit in the CPU caches, 100,000 do not).
if (args is ["cpu-probe", ..])
{
    return args is [_, var queries] ? CpuTimeProbe.Run(int.Parse(queries, System.Globalization.CultureInfo.InvariantCulture)) : CpuTimeProbe.Run();
}

// "decision-probe" times SelectInto per policy (fastest and median batch), for quick iteration on the decision path:
// dotnet run -c Release --project src/AgentRouter.Benchmarks -- decision-probe [POLICY ...]
if (args is ["decision-probe", .. var policies])
{
    return DecisionProbe.Run(policies);
}

// Every benchmark class in this assembly is selectable with the usual switcher arguments, e.g.
//   dotnet run -c Release --project src/AgentRouter.Benchmarks -- --filter '*PolicyDecision*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
