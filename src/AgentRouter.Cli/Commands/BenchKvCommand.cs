using System.CommandLine;
using System.Globalization;
using AgentRouter.Cli.Commands.KvBench;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Tokenization;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands;

/// <summary>
/// <c>agentrouter bench kv</c>: a panel of agents on one backbone answering the same suite prompts with a private KV cache
/// each versus one shared block pool: KV bytes held, time to first token of agents 2..k relative to the first, panels per
/// second, and that results are unchanged. Prints a Markdown report (docs/benchmarks/kv-cache.md).
/// </summary>
internal static class BenchKvCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "Backbone checkpoint folder.", DefaultValueFactory = _ => Path.Combine("agents", "qwen-strings", "model") };
        var prompts = new Option<int>("--prompts") { Description = "Suite prompts (test split).", DefaultValueFactory = _ => 200 };
        var agents = new Option<int>("--agents") { Description = "Agents in the panel.", DefaultValueFactory = _ => 4 };
        var working = new Option<int>("--working-tokens") { Description = "Greedy tokens of working text per agent.", DefaultValueFactory = _ => 8 };
        var blocks = new Option<string>("--block-tokens") { Description = "Comma-separated tokens-per-block settings to measure.", DefaultValueFactory = _ => "16,4" };
        var threads = new Option<int>("--threads") { Description = "torch intra-op threads (0 = libtorch's default).", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Suite seed.", DefaultValueFactory = _ => 1 };
        var command = new Command("kv", "Benchmark the shared KV cache: private vs shared KV for a panel on one backbone.") { model, prompts, agents, working, blocks, threads, seed };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            if (parseResult.GetValue(threads) > 0)
            {
                set_num_threads(parseResult.GetValue(threads));
            }
            var blockSizes = TokenIdList.Parse(parseResult.GetValue(blocks)!, "--block-tokens");
            Run(parseResult.GetValue(model)!, parseResult.GetValue(prompts), parseResult.GetValue(agents), parseResult.GetValue(working), blockSizes,
                (ulong)parseResult.GetValue(seed));
            return 0;
        }));
        return command;
    }

    private static void Run(string modelDirectory, int promptCount, int agents, int workingTokens, IReadOnlyList<int> blockSizes, ulong seed)
    {
        if (promptCount < 1 || agents < 2 || workingTokens < 0 || blockSizes.Any(size => size < 1))
        {
            throw new CliUsageException("--prompts ≥ 1, --agents ≥ 2, --working-tokens ≥ 0 and every --block-tokens ≥ 1 are required");
        }
        using var model = ModelCheckpoint.Load(modelDirectory, CPU);
        model.eval();
        var tokenizer = new ByteLevelTokenizer();
        var prompts = SuiteGenerator.Generate(new SuiteGenerationOptions(promptCount, seed, SuiteSplitFilter.Test))
            .Select(item => tokenizer.Encode(SuitePrompt.Format(item)).ToArray()).ToList();
        var runner = new KvBenchmarkRunner(model, agents, workingTokens);
        using var inference = KvBenchmarkRunner.InferenceScope();
        runner.RunPrivate(prompts.Take(5).ToList(), new KvBenchmarkRunner.ModeFigures());

        var unshared = new KvBenchmarkRunner.ModeFigures();
        var shared = blockSizes.ToDictionary(size => size, _ => new KvBenchmarkRunner.ModeFigures());
        var worst = 0.0;
        var differing = 0;
        var pools = blockSizes.ToDictionary(size => size, size => new KvBlockPool(new KvBlockPoolOptions(size, 256L * 1024 * 1024)));
        try
        {
            // Modes alternate in chunks so that load changes on the shared machine hit them alike.
            foreach (var chunk in prompts.Chunk(25))
            {
                var reference = runner.RunPrivate(chunk, unshared);
                foreach (var size in blockSizes)
                {
                    var answers = runner.RunShared(chunk, pools[size], Path.GetFullPath(modelDirectory), shared[size]);
                    var (chunkWorst, chunkDiffering) = KvBenchmarkRunner.Compare(reference, answers);
                    worst = Math.Max(worst, chunkWorst);
                    differing += chunkDiffering;
                }
            }
            Report(modelDirectory, prompts, agents, workingTokens, unshared, shared, pools, worst, differing);
        }
        finally
        {
            foreach (var pool in pools.Values)
            {
                pool.Dispose();
            }
        }
    }

    private static void Report(string modelDirectory, List<int[]> prompts, int agents, int workingTokens, KvBenchmarkRunner.ModeFigures unshared,
        Dictionary<int, KvBenchmarkRunner.ModeFigures> shared, Dictionary<int, KvBlockPool> pools, double worst, int differing)
    {
        static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        var lengths = prompts.Select(prompt => prompt.Length).Order().ToList();
        Console.WriteLine($"backbone `{modelDirectory}`, {prompts.Count} suite prompts (test split, SuitePrompt format, {lengths[0]}–{lengths[^1]} tokens, median {lengths[lengths.Count / 2]}), " +
            $"{agents} agents per panel, {workingTokens} greedy working tokens each, torch threads {get_num_threads()}");
        Console.WriteLine();
        Console.WriteLine("| mode | KV bytes held per panel (mean) | vs private | TTFT agent 1 (median ms) | TTFT agents 2–k (median ms) | agents 2–k / agent 1 | panels/s | prompt tokens reused |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        void Row(string name, KvBenchmarkRunner.ModeFigures figures)
        {
            var first = Median(figures.FirstAgentTtftMs);
            var others = Median(figures.OtherAgentsTtftMs);
            Console.WriteLine($"| {name} | {F(figures.HeldBytes / (double)figures.Panels, "F0")} | {F(100.0 * figures.HeldBytes / unshared.HeldBytes, "F1")} % | {F(first, "F3")} | " +
                $"{F(others, "F3")} | {F(100 * others / first, "F1")} % | {F(figures.Panels / figures.Seconds, "F1")} | {F(100.0 * figures.ReusedTokens / Math.Max(1, figures.PromptTokens), "F1")} % |");
        }
        Row("private KV per agent (SequenceGenerator)", unshared);
        foreach (var (size, figures) in shared)
        {
            Row($"shared pool, {size} tokens/block", figures);
        }
        Console.WriteLine();
        Console.WriteLine($"Results unchanged: largest |logit difference| shared vs private {worst:E2}; continuations that differ: {differing}.");
        foreach (var (size, pool) in pools)
        {
            var metrics = pool.Metrics();
            Console.WriteLine($"Pool {size} tokens/block after the run: hit rate {F(100 * metrics.HitRate, "F1")} % of {metrics.BlockLookups} block lookups, " +
                $"{metrics.PrefillTokensSaved} prefill tokens and {metrics.BytesSaved} bytes saved, {metrics.Evictions} evictions, {metrics.UsedBytes} bytes cached.");
        }
    }
}
