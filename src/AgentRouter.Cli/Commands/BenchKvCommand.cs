using System.CommandLine;
using System.Globalization;
using AgentRouter.Cli.Commands.KvBench;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Modules;
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
        var loraRank = new Option<int>("--lora-rank") { Description = "Rank of the benchmark's LoRA adapters (0 skips the LoRA part).", DefaultValueFactory = _ => 4 };
        var loraStd = new Option<double>("--lora-std") { Description = "Standard deviation of the adapters' B matrices.", DefaultValueFactory = _ => 0.1 };
        var adapterFolders = new Option<string?>("--adapters")
        {
            Description = "Comma-separated trained LoRA adapter folders over --model for the LoRA part (instead of random adapters); the LoRA panel is these adapters.",
        };
        var command = new Command("kv", "Benchmark the shared KV cache: private vs shared KV for a panel on one backbone.")
        {
            model, prompts, agents, working, blocks, threads, seed, loraRank, loraStd, adapterFolders,
        };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            if (parseResult.GetValue(threads) > 0)
            {
                set_num_threads(parseResult.GetValue(threads));
            }
            var blockSizes = TokenIdList.Parse(parseResult.GetValue(blocks)!, "--block-tokens");
            Run(parseResult.GetValue(model)!, parseResult.GetValue(prompts), parseResult.GetValue(agents), parseResult.GetValue(working), blockSizes,
                (ulong)parseResult.GetValue(seed), parseResult.GetValue(loraRank), parseResult.GetValue(loraStd),
                parseResult.GetValue(adapterFolders) is { } folders ? folders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []);
            return 0;
        }));
        return command;
    }

    private static void Run(string modelDirectory, int promptCount, int agents, int workingTokens, IReadOnlyList<int> blockSizes, ulong seed,
        int loraRank, double loraStd, IReadOnlyList<string> adapterDirectories)
    {
        if (adapterDirectories.Count == 1)
        {
            throw new CliUsageException("--adapters needs at least two adapter folders (a panel shares one base)");
        }
        if (promptCount < 1 || agents < 2 || workingTokens < 1 || blockSizes.Count == 0 || blockSizes.Any(size => size < 1) || loraRank < 0)
        {
            throw new CliUsageException("--prompts ≥ 1, --agents ≥ 2, --working-tokens ≥ 1, every --block-tokens ≥ 1 and --lora-rank ≥ 0 are required");
        }
        using var model = ModelCheckpoint.Load(modelDirectory, CPU);
        model.eval();
        var tokenizer = new ByteLevelTokenizer();
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(promptCount, seed, SuiteSplitFilter.Test));
        var prompts = items.Select(item => tokenizer.Encode(SuitePrompt.Format(item)).ToArray()).ToList();
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
            var gold = items.Select(item => SuitePrompt.LetterIndex(item.Answer)).ToList();
            if (adapterDirectories.Count > 0)
            {
                var baseModel = LoraBaseModel.FromDirectory(modelDirectory, model.Config);
                var trained = adapterDirectories.Select(directory => LoraAdapterLoader.Load(directory, baseModel, CPU)).ToList();
                RunLowRank(model, Path.GetFullPath(modelDirectory), prompts, gold, trained, workingTokens, blockSizes[0],
                    $"{trained.Count} trained adapters ({string.Join(", ", adapterDirectories.Select(directory => $"`{directory}`"))})", tokenizer);
            }
            else if (loraRank > 0)
            {
                var random = LowRankBenchmark.RandomAdapters(model, agents, loraRank, loraStd);
                RunLowRank(model, Path.GetFullPath(modelDirectory), prompts, gold, random, workingTokens, blockSizes[0],
                    $"{agents} adapters made by the benchmark (rank {loraRank}, alpha {2 * loraRank}, q/k/v/o of every layer, B ~ N(0, {loraStd.ToString("G3", CultureInfo.InvariantCulture)}²))", tokenizer);
            }
        }
        finally
        {
            foreach (var pool in pools.Values)
            {
                pool.Dispose();
            }
        }
    }

    /// <param name="adapters">Disposed here.</param>
    private static void RunLowRank(MoeForCausalLm model, string baseWeightsId, List<int[]> prompts, List<int> gold, IReadOnlyList<LoraAdapter> adapters,
        int workingTokens, int tokensPerBlock, string adapterDescription, ByteLevelTokenizer tokenizer)
    {
        var agents = adapters.Count;
        try
        {
            var letterIds = SuitePrompt.Letters.Select(letter => tokenizer.Encode(letter).Single()).ToArray();
            var benchmark = new LowRankBenchmark(model, adapters, workingTokens, letterIds);
            using var pool = new KvBlockPool(new KvBlockPoolOptions(tokensPerBlock, 256L * 1024 * 1024));
            var exact = new KvBenchmarkRunner.ModeFigures();
            var lowRank = new KvBenchmarkRunner.ModeFigures();
            var exactChoices = new List<int[]>();
            var lowRankChoices = new List<int[]>();
            foreach (var chunk in prompts.Chunk(25))
            {
                exactChoices.AddRange(benchmark.RunPrivate(chunk, exact));
                lowRankChoices.AddRange(benchmark.RunLowRank(chunk, pool, baseWeightsId, lowRank));
            }
            static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
            static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            Console.WriteLine();
            Console.WriteLine($"LoRA agents: {adapterDescription} over the same backbone; low-rank mode shares the base K/V of the prompt minus its last token, {tokensPerBlock} tokens/block.");
            Console.WriteLine();
            Console.WriteLine("| mode | KV bytes held per panel (mean) | vs exact | TTFT agent 1 (median ms) | TTFT agents 2–k (median ms) | agents 2–k / agent 1 | panels/s | accuracy (all agents) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            double Accuracy(List<int[]> choices) => 100.0 * choices.Select((panel, index) => panel.Count(choice => choice == gold[index])).Sum() / (choices.Count * agents);
            void Row(string name, KvBenchmarkRunner.ModeFigures figures, List<int[]> choices)
            {
                var first = Median(figures.FirstAgentTtftMs);
                var others = Median(figures.OtherAgentsTtftMs);
                Console.WriteLine($"| {name} | {F(figures.HeldBytes / (double)figures.Panels, "F0")} | {F(100.0 * figures.HeldBytes / exact.HeldBytes, "F1")} % | {F(first, "F3")} | " +
                    $"{F(others, "F3")} | {F(100 * others / first, "F1")} % | {F(figures.Panels / figures.Seconds, "F1")} | {F(Accuracy(choices), "F2")} % |");
            }
            Row("full adapter, private KV per agent (exact)", exact, exactChoices);
            Row("low-rank shared (LRAgent approximation)", lowRank, lowRankChoices);
            var same = exactChoices.Zip(lowRankChoices, (left, right) => left.Zip(right).Count(pair => pair.First == pair.Second)).Sum();
            Console.WriteLine();
            Console.WriteLine($"Accuracy difference (low-rank − exact): {F(Accuracy(lowRankChoices) - Accuracy(exactChoices), "+0.00;-0.00")} points; " +
                $"the low-rank mode chose the same letter as the exact adapter in {same} of {exactChoices.Count * agents} agent answers ({F(100.0 * same / (exactChoices.Count * agents), "F1")} %).");
        }
        finally
        {
            foreach (var adapter in adapters)
            {
                adapter.Dispose();
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
