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
/// zero-latency simulated agents, or an existing one with <c>--url</c>), then the same load through the
/// in-process <see cref="IAgentRouter"/> with the same agents and router, so both figures come from one run.</summary>
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
                    (child, baseUrl) = await StartServerProcessAsync(cancellationToken);
                }

                var http = await MeasureHttpAsync(baseUrl, modelId, clients, warm, measured);
                child?.Kill(entireProcessTree: true);
                child?.WaitForExit();
                var inProcess = await MeasureInProcessAsync(modelId, clients, warm, measured, cancellationToken);
                var report = Report(http, inProcess, baseUrl, Environment.GetCommandLineArgs().Skip(1));
                Console.WriteLine(report);
                if (parseResult.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, report, cancellationToken);
                }

                return http.Errors == 0 && inProcess.Errors == 0 ? 0 : 1;
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

    private static async Task<HttpLoadResult> MeasureHttpAsync(string baseUrl, string model, int clients, TimeSpan warm, TimeSpan measured)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        return await HttpLoadRun.RunAsync("HTTP /v1/chat/completions (separate process, loopback)", clients, warm, measured, async (i, ct) =>
        {
            var body = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Question {{i}}: which option is right? A, B, C or D"}]}""";
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("v1/chat/completions", content, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
            }

            await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        });
    }

    private static async Task<HttpLoadResult> MeasureInProcessAsync(string model, int clients, TimeSpan warm, TimeSpan measured, CancellationToken cancellationToken)
    {
        var options = new ServerOptions { BuiltInAgents = true };
        var (runtimeOptions, catalog) = ServerRuntime.BuildRuntimeOptions(options);
        if (!catalog.TryResolve(model, out var entry))
        {
            throw new InvalidOperationException($"unknown model '{model}' (known: {catalog.Known()})");
        }

        await using var runtime = await AgentRouter.Hosting.AgentRouterHost.StartRuntimeAsync(runtimeOptions, cancellationToken: cancellationToken);
        var ask = new AskOptions(entry.RouterName);
        return await HttpLoadRun.RunAsync("in-process IAgentRouter.AskAsync", clients, warm, measured, async (i, _) =>
            await runtime.Client.AskAsync(new Query("bench-" + i.ToString(CultureInfo.InvariantCulture), $"Question {i}: which option is right? A, B, C or D"), ask).ConfigureAwait(false));
    }

    /// <summary>Runs <c>agentrouter serve</c> on a free loopback port in a child process and waits for /readyz.</summary>
    private static async Task<(Process Process, string BaseUrl)> StartServerProcessAsync(CancellationToken cancellationToken)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var baseUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the agentrouter executable");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchHttpCommand).Assembly.Location);
        }

        foreach (var argument in new[] { "serve", "--builtin-agents", "--urls", baseUrl, "--rate-limit", "100000000" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server process");
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
                throw new InvalidOperationException($"the server process exited with code {process.ExitCode}");
            }

            try
            {
                using var ready = await client.GetAsync("/readyz", cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return (process, baseUrl);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken); // polling interval while the child starts
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("the server process did not become ready within 60 s");
    }

    private static string Report(HttpLoadResult http, HttpLoadResult inProcess, string baseUrl, IEnumerable<string> arguments)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| path | clients | requests/s | p50 ms | p99 ms | requests | errors |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in new[] { http, inProcess })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Path} | {r.Concurrency} | {r.RequestsPerSecond:N0} | {r.P50Ms:0.000} | {r.P99Ms:0.000} | {r.Requests:N0} | {r.Errors} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"server: {baseUrl}; command: agentrouter {string.Join(' ', arguments)}; {Environment.ProcessorCount} logical cores");
        if ((http.FirstError ?? inProcess.FirstError) is { } error)
        {
            text.AppendLine("first error: " + error);
        }

        return text.ToString();
    }
}
