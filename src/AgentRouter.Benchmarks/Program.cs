using AgentRouter.Benchmarks;
using BenchmarkDotNet.Running;

// "cpu-probe" measures CPU time instead of wall time, for numbers that survive a shared, loaded machine.
if (args is ["cpu-probe", ..])
{
    return CpuTimeProbe.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
