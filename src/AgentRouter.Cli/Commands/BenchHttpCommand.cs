using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentRouter.Actors;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cli.Bench;
using AgentRouter.Core.Domain;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter bench http</c>: closed-loop HTTP load on <c>/v1/chat/completions</c> from this
/// process against a server in another process (started here on a free loopback port with the built-in
/// zero-latency simulated agents, or an existing one with <c>--url</c>), whole and streamed; then the same load on
/// the bare-Kestrel floor (<see cref="BareKestrelFloor"/>, another child process: same request JSON parsed, a
/// response of the same size written, nothing behind it); then the same queries through the in-process
/// <see cref="IAgentRouter"/> with the same agents and router. All four figures come from one run, so their
/// ratios hold whatever else the machine is doing.</summary>
internal static class BenchHttpCommand
{
    public static Command Build()
    {
        var url = new Option<string?>("--url") { Description = "Base URL of a running server (default: start one in a child process)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent closed-loop clients.", DefaultValueFactory = _ => 32 };
        var duration = new Option<double>("--duration") { Description = "Measured seconds per path.", DefaultValueFactory = _ => 10 };
        var warmUp = new Option<double>("--warmup") { Description = "Warm-up seconds per path.", DefaultValueFactory = _ => 3 };
        var model = new Option<string>("--model") { Description = "Model to ask.", DefaultValueFactory = _ => "router" };
        var output = new Option<FileInfo?>("--out") { Description = "Write a Markdown table of the results here." };
        var command = new Command("http", "HTTP load on the server beside the in-process IAgentRouter path.") { url, concurrency, duration, warmUp, model, output };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var clients = parseResult.GetValue(concurrency);
            var measured = TimeSpan.FromSeconds(parseResult.GetValue(duration));
            var warm = TimeSpan.FromSeconds(parseResult.GetValue(warmUp));
            var modelId = parseResult.GetValue(model)!;
            Process? child = null;
            var baseUrl = parseResult.GetValue(url);
            try
            {
                if (baseUrl is null)
                {
                    baseUrl = FreeLoopbackUrl();
                    child = await StartChildProcessAsync(baseUrl, ["serve", "--builtin-agents", "--urls", baseUrl, "--rate-limit", "100000000", "--max-streams-per-client", Math.Max(16, clients).ToString(CultureInfo.InvariantCulture)], cancellationToken);
                }

                var responseBytes = await ResponseBytesAsync(baseUrl, modelId, cancellationToken);
                var serverCpu = CpuOf(child);
                var http = await MeasureHttpAsync("HTTP /v1/chat/completions (separate process, loopback)", baseUrl, modelId, stream: false, clients, warm, measured, serverCpu);
                var streamed = await MeasureHttpAsync("HTTP /v1/chat/completions, stream: true (same server)", baseUrl, modelId, stream: true, clients, warm, measured, serverCpu);
                Stop(ref child);

                var floorUrl = FreeLoopbackUrl();
                child = await StartChildProcessAsync(floorUrl, ["bench", "http-floor", "--urls", floorUrl, "--response-bytes", responseBytes.ToString(CultureInfo.InvariantCulture)], cancellationToken);
                var floor = await MeasureHttpAsync(BareKestrelFloor.Describe(responseBytes), floorUrl, modelId, stream: false, clients, warm, measured, CpuOf(child));
                Stop(ref child);

                var inProcess = await MeasureInProcessAsync(modelId, clients, warm, measured, cancellationToken);
                var report = Report([http, streamed, floor, inProcess], http, floor, inProcess, baseUrl, Environment.GetCommandLineArgs().Skip(1));
                Console.WriteLine(report);
                if (parseResult.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, report, cancellationToken);
                }

                return new[] { http, streamed, floor, inProcess }.All(r => r.Errors == 0) ? 0 : 1;
            }
            finally
            {
                if (child is { HasExited: false })
                {
                    child.Kill(entireProcessTree: true);
                }

                child?.Dispose();
            }
        });
        return command;
    }

    /// <summary>The child's CPU time, read from the OS at each call (null without a child: a server given by URL).</summary>
    private static Func<TimeSpan>? CpuOf(Process? child) => child is null ? null : () =>
    {
        child.Refresh();
        return child.TotalProcessorTime;
    };

    private static void Stop(ref Process? child)
    {
        child?.Kill(entireProcessTree: true);
        child?.WaitForExit();
        child?.Dispose();
        child = null;
    }

    private static string RequestBody(string model, long i, bool stream) => stream
        ? $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"Question {{i}}: which option is right? A, B, C or D"}]}"""
        : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Question {{i}}: which option is right? A, B, C or D"}]}""";

    /// <summary>The size of the server's answer to one request of the load, which the floor then writes.</summary>
    private static async Task<int> ResponseBytesAsync(string baseUrl, string model, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
        using var content = new StringContent(RequestBody(model, 1, stream: false), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("v1/chat/completions", content, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.StatusCode == HttpStatusCode.OK
            ? body.Length
            : throw new InvalidOperationException($"the server answered HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
    }

    private static async Task<HttpLoadResult> MeasureHttpAsync(string path, string baseUrl, string model, bool stream, int clients, TimeSpan warm, TimeSpan measured, Func<TimeSpan>? serverCpu)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        return await HttpLoadRun.RunAsync(path, clients, warm, measured, async (i, ct) =>
        {
            var body = RequestBody(model, i, stream);
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("v1/chat/completions", content, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
            }

            await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }, serverCpu);
    }

    private static async Task<HttpLoadResult> MeasureInProcessAsync(string model, int clients, TimeSpan warm, TimeSpan measured, CancellationToken cancellationToken)
    {
        var options = new ServerOptions { BuiltInAgents = true };
        var (runtimeOptions, catalog) = ServerRuntime.BuildRuntimeOptions(options);
        if (!catalog.TryResolve(model, out var entry))
        {
            throw new InvalidOperationException($"unknown model '{model}' (known: {catalog.Known()})");
        }

        // The server's composition too (its query featurizer runs for every routed query), so both paths route alike.
        await using var runtime = await AgentRouter.Hosting.AgentRouterHost.StartRuntimeAsync(runtimeOptions, builder => ServerRuntime.AddServerDefaults(builder), cancellationToken);
        var ask = new AskOptions(entry.RouterName);
        using var self = Process.GetCurrentProcess();
        return await HttpLoadRun.RunAsync("in-process IAgentRouter.AskAsync", clients, warm, measured, async (i, _) =>
            await runtime.Client.AskAsync(new Query("bench-" + i.ToString(CultureInfo.InvariantCulture), $"Question {i}: which option is right? A, B, C or D"), ask).ConfigureAwait(false),
            () =>
            {
                self.Refresh();
                return self.TotalProcessorTime;
            });
    }

    private static string FreeLoopbackUrl()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Runs this executable with <paramref name="arguments"/> in a child process and waits for /readyz on
    /// <paramref name="baseUrl"/>.</summary>
    private static async Task<Process> StartChildProcessAsync(string baseUrl, string[] arguments, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the agentrouter executable");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchHttpCommand).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start '{string.Join(' ', arguments)}'");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("[server] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"'{string.Join(' ', arguments)}' exited with code {process.ExitCode}");
            }

            try
            {
                using var ready = await client.GetAsync("/readyz", cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken); // polling interval while the child starts
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"'{string.Join(' ', arguments)}' did not become ready within 60 s");
    }

    private static string Report(HttpLoadResult[] results, HttpLoadResult http, HttpLoadResult floor, HttpLoadResult inProcess, string baseUrl, IEnumerable<string> arguments)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| path | clients | requests/s | p50 ms | p99 ms | requests | errors | serving process CPU µs/request |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var cpu = r.CpuUsPerRequest is { } us ? us.ToString("0.0", CultureInfo.InvariantCulture) : "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Path} | {r.Concurrency} | {r.RequestsPerSecond:N0} | {r.P50Ms:0.000} | {r.P99Ms:0.000} | {r.Requests:N0} | {r.Errors} | {cpu} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"chat completions through the router: {http.RequestsPerSecond / floor.RequestsPerSecond:0.00}x the bare-Kestrel floor's rate (goal >= 0.50), "
            + $"{http.RequestsPerSecond / inProcess.RequestsPerSecond:0.00}x the in-process rate (goal >= 0.20), p99 {http.P99Ms / floor.P99Ms:0.00}x the floor's (goal <= 2)");
        if (http.CpuUsPerRequest is { } serverUs && floor.CpuUsPerRequest is { } floorUs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"server CPU per chat completion: {serverUs:0.0} µs = {serverUs / floorUs:0.00}x the floor process's {floorUs:0.0} µs (the in-process row counts the whole bench process, load included)");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"server: {baseUrl}; command: agentrouter {string.Join(' ', arguments)}; {Environment.ProcessorCount} logical cores");
        if (results.Select(r => r.FirstError).FirstOrDefault(e => e is not null) is { } error)
        {
            text.AppendLine("first error: " + error);
        }

        return text.ToString();
    }
}
