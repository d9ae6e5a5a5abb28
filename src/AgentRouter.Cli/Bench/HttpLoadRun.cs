using System.Diagnostics;

namespace AgentRouter.Cli.Bench;

/// <summary>Requests per second and latency percentiles of one closed-loop load run.</summary>
/// <param name="CpuUsPerRequest">CPU time (user + system, all threads) of the process that served the load over the measured
/// window, per request; null when that process was not observed (a server given by URL).</param>
public sealed record HttpLoadResult(string Path, int Concurrency, double Seconds, long Requests, long Errors, double P50Ms, double P99Ms, string? FirstError,
    double? CpuUsPerRequest = null)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>Closed-loop load: <c>concurrency</c> workers each send one request, wait for its answer and send
/// the next, for a warm-up and then a measured window. Latencies are kept per worker (no shared lock on the
/// hot path) and merged at the end.</summary>
public static class HttpLoadRun
{
    /// <param name="serverCpu">Reads the serving process's total CPU time, at the start and end of the measured window: CPU
    /// per request does not depend on how much of the machine others take, unlike the rate.</param>
    public static async Task<HttpLoadResult> RunAsync(string path, int concurrency, TimeSpan warmUp, TimeSpan duration, Func<long, CancellationToken, Task> request,
        Func<TimeSpan>? serverCpu = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var perWorker = new List<double>[concurrency];
        var errors = new long[concurrency];
        string? firstError = null;
        long sequence = 0;
        var measuring = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = perWorker[worker] = new List<double>(1 << 16);
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await request(Interlocked.Increment(ref sequence), stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException or TaskCanceledException)
                {
                    if (Volatile.Read(ref measuring) == 1)
                    {
                        errors[worker]++;
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                    }

                    continue;
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        })).ToArray();

        await Task.Delay(warmUp).ConfigureAwait(false); // the warm-up window itself, not synchronisation
        var cpuBefore = serverCpu?.Invoke();
        Volatile.Write(ref measuring, 1);
        var window = Stopwatch.StartNew();
        await Task.Delay(duration).ConfigureAwait(false);
        Volatile.Write(ref measuring, 0);
        var seconds = window.Elapsed.TotalSeconds;
        var cpu = serverCpu?.Invoke() - cpuBefore;
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);

        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double? cpuPerRequest = cpu is { } used && all.Length > 0 ? used.TotalMicroseconds / all.Length : null;
        return new HttpLoadResult(path, concurrency, seconds, all.Length, errors.Sum(), Percentile(all, 0.50), Percentile(all, 0.99), firstError, cpuPerRequest);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
