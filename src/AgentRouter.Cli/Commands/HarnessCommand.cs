using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Configuration;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Harness;
using AgentRouter.Core.Presets;
using AgentRouter.Core.Replay;
using AgentRouter.Harness;
using AgentRouter.Hosting;
using Spectre.Console;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter harness run|report</c>: a live benchmark run through real agents (see docs/HARNESS.md);
/// this file only parses options and renders progress, the work is in AgentRouter.Harness.</summary>
internal static class HarnessCommand
{
    public static Command Build()
    {
        var command = new Command("harness", "Live benchmark runs: send a dataset to real agents (or through a router), score, record for replay.");
        command.Subcommands.Add(BuildRun());
        command.Subcommands.Add(BuildReport());
        return command;
    }

    private static Command BuildRun()
    {
        var data = new Option<string>("--data") { Description = "Dataset: RouterBench CSV, open7b JSON or harness JSONL (docs/HARNESS.md).", Required = true };
        var format = new Option<string>("--format") { Description = "auto (by extension), routerbench, open7b or jsonl.", DefaultValueFactory = _ => "auto" };
        var output = new Option<string?>("--out") { Description = "Output folder for calls.jsonl, outcomes.csv and the report (default reports/harness-<UTC timestamp>)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1." };
        var apiKey = new Option<string?>("--api-key") { Description = $"Bearer key of the endpoint (prefer {HarnessRuntime.ApiKeyVariable} or OPENAI_API_KEY: command lines are visible to other users)." };
        var models = new Option<string[]>("--model") { Description = "A model of the endpoint to call (repeatable; default every agent GET /models lists).", AllowMultipleArgumentsPerToken = true };
        var agents = new Option<DirectoryInfo?>("--agents") { Description = "Directory of agent manifests (any kind: remote, local, simulated, recorded) instead of --endpoint." };
        var allAgents = new Option<bool>("--all-agents") { Description = "Collection mode: every item to every agent (RouterBench style)." };
        var policy = new Option<string?>("--policy") { Description = "Routed mode: a policy name or preset file; each item goes through the router, which learns from the scores." };
        var panel = new Option<int>("--panel") { Description = "Routed mode: agents per item.", DefaultValueFactory = _ => 1 };
        var merge = new Option<string>("--merge") { Description = "Routed mode: merge strategy for panels above 1.", DefaultValueFactory = _ => "majority" };
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight at once per agent.", DefaultValueFactory = _ => 4 };
        var maxCost = new Option<double?>("--max-cost") { Description = "Stop starting calls once this many US dollars are spent (resumed calls included)." };
        var resume = new Option<string?>("--resume") { Description = "Continue a run: skip the calls already in LOG (default DIR/calls.jsonl).", Arity = ArgumentArity.ZeroOrOne };
        var maxRetries = new Option<int>("--max-retries") { Description = "Retries per call on 408/429/5xx/timeouts/connection errors.", DefaultValueFactory = _ => 4 };
        var retryBase = new Option<int>("--retry-base-ms") { Description = "First backoff (doubled per retry, jittered) when the server sends no Retry-After.", DefaultValueFactory = _ => 500 };
        var timeout = new Option<int>("--timeout-s") { Description = "Deadline of one attempt.", DefaultValueFactory = _ => 120 };
        var noStream = new Option<bool>("--no-stream") { Description = "Ask for whole responses (no time-to-first-token then)." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "max_tokens of each request." };
        var prices = new Option<string[]>("--price") { Description = "MODEL=IN,OUT: US dollars per million input and output tokens, for endpoints that report no cost (repeatable).", AllowMultipleArgumentsPerToken = true };
        var limit = new Option<int?>("--limit") { Description = "Only the first N items." };
        var command = new Command("run", "Run a dataset against agents and record every call.")
        {
            data, format, output, endpoint, apiKey, models, agents, allAgents, policy, panel, merge, concurrency, maxCost, resume,
            maxRetries, retryBase, timeout, noStream, maxTokens, prices, limit,
        };
        command.SetAction((parse, cancellationToken) => Guard(async () =>
        {
            var routed = parse.GetValue(policy);
            if (parse.GetValue(allAgents) == (routed is not null))
            {
                throw new ArgumentException("choose one mode: --all-agents (every item to every agent) or --policy NAME (routed)");
            }

            var agentsDirectory = parse.GetValue(agents)?.FullName;
            if ((parse.GetValue(endpoint) is null) == (agentsDirectory is null))
            {
                throw new ArgumentException("give exactly one of --endpoint URL and --agents DIR");
            }

            var directory = parse.GetValue(output) ?? Path.Combine("reports", $"harness-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            var resumeResult = parse.GetResult(resume);
            var options = new HarnessRunOptions(
                parse.GetValue(data)!, directory, parse.GetValue(format)!, ParseEndpoint(parse.GetValue(endpoint)),
                parse.GetValue(apiKey) ?? AgentRouterSettings.FromEnvironment().HarnessApiKey ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY"),
                parse.GetValue(models) is { Length: > 0 } named ? named : null, ParsePrices(parse.GetValue(prices) ?? []),
                Positive(parse.GetValue(concurrency), "--concurrency"), parse.GetValue(maxCost),
                resumeResult is not null, parse.GetValue(resume),
                new RetryPolicy(parse.GetValue(maxRetries), TimeSpan.FromMilliseconds(parse.GetValue(retryBase)), null, TimeSpan.FromSeconds(Positive(parse.GetValue(timeout), "--timeout-s"))),
                !parse.GetValue(noStream), parse.GetValue(maxTokens), parse.GetValue(limit));
            if (options.MaxCost is < 0 || options.Retry!.MaxRetries < 0 || options.Limit is < 1)
            {
                throw new ArgumentException("--max-cost, --max-retries must not be negative and --limit must be at least 1");
            }

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            AgentRouterRuntime? runtime = null;
            try
            {
                IReadOnlyList<IHarnessTarget> targets;
                if (routed is null && agentsDirectory is null)
                {
                    targets = await HarnessSession.EndpointTargetsAsync(options, http, null, cancellationToken);
                }
                else
                {
                    var endpointModels = options.Endpoint is null ? null : options.Models
                        ?? await new OpenAiChatEndpoint(http, options.Endpoint, options.ApiKey, options.Retry).ListModelsAsync(cancellationToken);
                    var routing = new HarnessRuntimeOptions(routed ?? "round-robin", Positive(parse.GetValue(panel), "--panel"), parse.GetValue(merge)!);
                    var runtimeOptions = HarnessRuntime.Options(options, routing, agentsDirectory, endpointModels);
                    runtime = await AgentRouterHost.StartRuntimeAsync(runtimeOptions, cancellationToken: cancellationToken);
                    targets = routed is not null
                        ? [new RouterTarget(runtime.Client, HarnessRuntime.RouterName, "router:" + Path.GetFileNameWithoutExtension(routed), true, routing.PanelSize, routing.Merge, options.Concurrency)]
                        : HarnessRuntime.AgentNames(runtimeOptions).Select(a => (IHarnessTarget)new RouterTarget(runtime.Client, "agent:" + a, a, false, 1, null, options.Concurrency)).ToList();
                }

                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(string.Join(", ", targets.Select(t => t.Name)))} → {Markup.Escape(directory)}[/]");
                var result = await RunWithProgressAsync(options, targets, cancellationToken);
                Render(result);
                return result.Run.Stop == HarnessStop.Cancelled ? 130 : 0;
            }
            finally
            {
                if (runtime is not null)
                {
                    await runtime.DisposeAsync();
                }
            }
        }));
        return command;
    }

    private static Command BuildReport()
    {
        var log = new Option<string>("--log") { Description = "A run's calls.jsonl.", Required = true };
        var data = new Option<string>("--data") { Description = "The dataset the run used (for the row order and prompts).", Required = true };
        var format = new Option<string>("--format") { Description = "auto, routerbench, open7b or jsonl.", DefaultValueFactory = _ => "auto" };
        var output = new Option<string?>("--out") { Description = "Output folder (default: the log's folder)." };
        var command = new Command("report", "Write outcomes.csv, report.md/json and the charts from a run's calls.jsonl (also while it runs).") { log, data, format, output };
        command.SetAction((parse, _) => Guard(() =>
        {
            var logPath = parse.GetValue(log)!;
            var records = CallLog.Read(logPath);
            var dataset = HarnessDataset.Load(parse.GetValue(data)!, parse.GetValue(format)!);
            var directory = parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(logPath))!;
            var (report, _, written) = HarnessSession.WriteOutputs(directory, dataset.Source, dataset.Items, records.Select(r => r.Agent).Distinct().ToList(), records);
            AnsiConsole.Write(new Markup(Markup.Escape(report.ToMarkdown())));
            AnsiConsole.MarkupLine($"Written: {Markup.Escape(string.Join(", ", written))}");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static async Task<HarnessSessionResult> RunWithProgressAsync(HarnessRunOptions options, IReadOnlyList<IHarnessTarget> targets, CancellationToken cancellationToken)
    {
        static string Describe(HarnessProgress p) => string.Create(CultureInfo.InvariantCulture,
            $"acc {(p.Accuracy is { } a ? a.ToString("0.000", CultureInfo.InvariantCulture) : "—")}  spent ${p.Spent:0.####}  failed {p.Failed}");
        if (Console.IsOutputRedirected)
        {
            // No live bar without a terminal: a line per tenth of the run, with the ETA the bar would show.
            var lastTenth = -1;
            var started = Stopwatch.GetTimestamp();
            return await HarnessSession.RunAsync(options, targets, p =>
            {
                var tenth = p.Done * 10 / Math.Max(1, p.Total);
                if (Interlocked.Exchange(ref lastTenth, tenth) != tenth)
                {
                    Console.WriteLine($"{p.Done}/{p.Total} calls  {Describe(p)}  {EtaText(Stopwatch.GetElapsedTime(started), p.Done, p.Total)}");
                }
            }, null, cancellationToken);
        }

        HarnessSessionResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                result = await HarnessSession.RunAsync(options, targets, p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                    task.Description = Markup.Escape(Describe(p));
                }, null, cancellationToken);
                task.StopTask();
            });
        return result!;
    }

    /// <summary>Remaining time at the rate so far (calls resumed from a log count as done at no cost, so the first
    /// line after a resume can be optimistic).</summary>
    internal static string EtaText(TimeSpan elapsed, int done, int total)
    {
        if (done <= 0 || done >= total)
        {
            return done >= total ? "done" : "eta —";
        }

        var remaining = TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - done) / done)));
        return remaining.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"eta {(int)remaining.TotalHours}h{remaining.Minutes:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"eta {(int)remaining.TotalMinutes}m{remaining.Seconds:00}s");
    }

    private static void Render(HarnessSessionResult result)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160; // no terminal width: Spectre would wrap every cell at 80 columns
        }

        var run = result.Run;
        var table = new Table().Title($"{run.Stop}: {run.CallsMade} calls made, {run.CallsSkipped} resumed, {run.CallsLeft} left, ${run.Spent:0.######} spent");
        table.AddColumns("agent", "calls", "failed", "accuracy", "cost $", "p50 ms", "p99 ms", "TTFT p50");
        foreach (var a in result.Report.Agents)
        {
            table.AddRow(Markup.Escape(a.Agent), a.Calls.ToString(CultureInfo.InvariantCulture), a.Failed.ToString(CultureInfo.InvariantCulture),
                a.Accuracy?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "—", a.TotalCost.ToString("0.######", CultureInfo.InvariantCulture),
                a.LatencyP50Ms.ToString("0", CultureInfo.InvariantCulture), a.LatencyP99Ms.ToString("0", CultureInfo.InvariantCulture),
                a.TtftP50Ms?.ToString("0", CultureInfo.InvariantCulture) ?? "—");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Calls: {Markup.Escape(result.CallsPath)}; written: {Markup.Escape(string.Join(", ", result.Written))}");
    }

    private static Dictionary<string, CostModel> ParsePrices(string[] specs)
    {
        var prices = new Dictionary<string, CostModel>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var equals = spec.LastIndexOf('=');
            var parts = equals > 0 ? spec[(equals + 1)..].Split(',') : [];
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var input) || input < 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var outputPrice) || outputPrice < 0)
            {
                throw new ArgumentException($"--price '{spec}': expected MODEL=IN,OUT in US dollars per million tokens, e.g. gpt-4o-mini=0.15,0.6");
            }

            prices[spec[..equals]] = new CostModel(PerInputToken: input / 1e6, PerOutputToken: outputPrice / 1e6);
        }

        return prices;
    }

    private static Uri? ParseEndpoint(string? text) => text is null
        ? null
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"--endpoint '{text}' is not an absolute http(s) URL such as http://127.0.0.1:8000/v1");

    private static int Positive(int value, string option) => value >= 1 ? value : throw new ArgumentException($"{option} must be at least 1");

    /// <summary>Bad input (options, data, manifests, endpoint refusals) is one line on stderr and exit code 2.</summary>
    private static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception error) when (error is ArgumentException or ReplayDataException or ManifestValidationException or PolicyPresetException
            or EndpointCallException or IOException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"error: {error.Message}");
            return CliErrors.BadInputExitCode;
        }
    }
}
