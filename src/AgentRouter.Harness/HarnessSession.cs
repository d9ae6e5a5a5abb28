using AgentRouter.Core.Domain;
using AgentRouter.Core.Harness;

namespace AgentRouter.Harness;

/// <summary>Everything one <c>harness run</c> needs.</summary>
/// <param name="Resume">Continue the log at <paramref name="ResumeLog"/> (default DIR/calls.jsonl) instead of starting a new one.</param>
/// <param name="Models">Models of the endpoint to call; null for every agent it lists.</param>
/// <param name="Prices">Prices per model for usage-based cost when the endpoint reports none.</param>
/// <param name="Limit">Only the first N items of the dataset; null for all.</param>
public sealed record HarnessRunOptions(
    string DataPath,
    string OutputDirectory,
    string Format = "auto",
    Uri? Endpoint = null,
    string? ApiKey = null,
    IReadOnlyList<string>? Models = null,
    IReadOnlyDictionary<string, CostModel>? Prices = null,
    int Concurrency = 4,
    double? MaxCost = null,
    bool Resume = false,
    string? ResumeLog = null,
    RetryPolicy? Retry = null,
    bool Stream = true,
    int? MaxTokens = null,
    int? Limit = null);

/// <summary>What a finished (or stopped) run wrote.</summary>
public sealed record HarnessSessionResult(HarnessRunResult Run, HarnessReport Report, string CallsPath, string OutcomesPath, IReadOnlyList<string> Written);

/// <summary>One harness run from options to files: loads the dataset, opens (or resumes) <c>calls.jsonl</c>, runs
/// the targets, then writes <c>outcomes.csv</c>, <c>report.md</c>, <c>report.json</c> and the charts, also when
/// the run stopped early (budget, Ctrl-C): everything recorded so far is kept.</summary>
public static class HarnessSession
{
    public const string CallsFile = "calls.jsonl";
    public const string OutcomesFile = "outcomes.csv";

    /// <summary>Collection mode against one OpenAI-compatible endpoint: one target per model.</summary>
    public static async Task<IReadOnlyList<IHarnessTarget>> EndpointTargetsAsync(HarnessRunOptions options, HttpClient http, TimeProvider? time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpointUri = options.Endpoint ?? throw new ArgumentException("an --endpoint is required", nameof(options));
        var endpoint = new OpenAiChatEndpoint(http, endpointUri, options.ApiKey, options.Retry ?? new RetryPolicy(), options.Stream, options.MaxTokens, time);
        var models = options.Models is { Count: > 0 } named ? named : await endpoint.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        if (models.Count == 0)
        {
            throw new ArgumentException($"{endpoint.BaseAddress}models lists no models; name them with --model");
        }

        return models.Select(m => (IHarnessTarget)new EndpointTarget(m, endpoint, m, options.Prices?.GetValueOrDefault(m), options.Concurrency)).ToList();
    }

    public static async Task<HarnessSessionResult> RunAsync(HarnessRunOptions options, IReadOnlyList<IHarnessTarget> targets, Action<HarnessProgress>? progress,
        TimeProvider? time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(targets);
        var dataset = HarnessDataset.Load(options.DataPath, options.Format);
        var items = options.Limit is { } limit ? dataset.Items.Take(limit).ToList() : dataset.Items;
        Directory.CreateDirectory(options.OutputDirectory);
        var callsPath = options.ResumeLog ?? Path.Combine(options.OutputDirectory, CallsFile);
        using var log = options.Resume ? CallLog.Resume(callsPath) : CallLog.Create(callsPath);
        var runner = new HarnessRunner(targets, log, time) { MaxCost = options.MaxCost, Progress = progress };
        var run = await runner.RunAsync(items, cancellationToken).ConfigureAwait(false);
        var (report, outcomes, written) = WriteOutputs(options.OutputDirectory, dataset.Source, items, targets.Select(t => t.Name).ToList(), run.Records);
        return new HarnessSessionResult(run, report, callsPath, outcomes, written);
    }

    /// <summary>Writes outcomes.csv, report.md/json and the charts from call records (also what <c>harness report</c> runs).</summary>
    public static (HarnessReport Report, string OutcomesPath, IReadOnlyList<string> Written) WriteOutputs(
        string directory, string dataset, IReadOnlyList<HarnessItem> items, IReadOnlyList<string> agents, IReadOnlyList<CallRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        Directory.CreateDirectory(directory);
        var outcomes = Path.Combine(directory, OutcomesFile);
        OutcomesCsvWriter.Write(outcomes, items, agents, records);
        var report = HarnessReport.Build(dataset, items.Count, records);
        var written = new List<string> { outcomes };
        var markdown = Path.Combine(directory, "report.md");
        File.WriteAllText(markdown, report.ToMarkdown());
        var json = Path.Combine(directory, "report.json");
        report.WriteJson(json);
        written.Add(markdown);
        written.Add(json);
        if (HarnessPlots.WriteCostAccuracy(report, Path.Combine(directory, "cost-accuracy.png")) is { } costPlot)
        {
            written.Add(costPlot);
        }

        if (HarnessPlots.WriteTrafficShare(report, Path.Combine(directory, "traffic-share.png")) is { } trafficPlot)
        {
            written.Add(trafficPlot);
        }

        return (report, outcomes, written);
    }
}
