using System.CommandLine;
using System.Globalization;
using AgentRouter.Cli.Commands.LlamaCppBench;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Gguf;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;

namespace AgentRouter.Cli.Commands;

/// <summary>
/// <c>agentrouter bench llamacpp</c>: the engine against llama.cpp (in-process, LLamaSharp) on the same random-weight
/// checkpoint, exported by <c>model export-gguf</c>: batch-1 decode and prefill at f32 (both), and engine int8 against
/// llama.cpp q8_0, at each thread count. Prints a Markdown report (docs/benchmarks/llamacpp.md).
/// </summary>
internal static class BenchLlamaCppCommand
{
    /// <summary>Qwen3-MoE at moderate dimensions with the real Qwen3 vocabulary size: hidden 1024, 8 layers, 32 experts
    /// top-4 of width 512.</summary>
    public static MoeModelConfig Qwen3Config { get; } = new()
    {
        Architecture = ModelArchitecture.Qwen3Moe,
        VocabSize = 151936,
        HiddenSize = 1024,
        NumLayers = 8,
        NumHeads = 16,
        NumKeyValueHeads = 4,
        HeadDim = 64,
        MaxPositionEmbeddings = 4096,
        NumExperts = 32,
        ExpertsPerToken = 4,
        ExpertIntermediateSize = 512,
        DenseIntermediateSize = 2048,
        NormTopKProbabilities = true,
        RmsNormEps = 1e-6,
        RopeTheta = 1e6,
        EosTokenIds = [151645],
    };

    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "qwen3 (the Qwen3-MoE above), moe (the `bench moe` Mixtral) or both.", DefaultValueFactory = _ => "both" };
        var threads = new Option<string>("--threads") { Description = "Comma-separated thread counts, each run by both engines.", DefaultValueFactory = _ => "1,2" };
        var steps = new Option<int>("--decode-steps") { Description = "Tokens decoded per measurement (median step reported).", DefaultValueFactory = _ => 64 };
        var prefill = new Option<int>("--prefill-tokens") { Description = "Prompt length for the prefill figure.", DefaultValueFactory = _ => 256 };
        var repetitions = new Option<int>("--repetitions") { Description = "Measurements per figure after one warm-up.", DefaultValueFactory = _ => 2 };
        var work = new Option<string?>("--work-dir") { Description = "Where the checkpoint and GGUF files are written (default: a temporary folder, deleted afterwards)." };
        var command = new Command("llamacpp", "Benchmark the engine against llama.cpp on the same weights: decode and prefill, f32 and 8-bit.")
        {
            model, threads, steps, prefill, repetitions, work,
        };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            var threadCounts = parseResult.GetValue(threads)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                    ? count
                    : throw new CliUsageException($"--threads: '{text}' is not a positive whole number"))
                .ToArray();
            var models = parseResult.GetValue(model) switch
            {
                "qwen3" => new[] { ("Qwen3-MoE (real Qwen3 vocabulary size)", Qwen3Config) },
                "moe" => new[] { ("bench moe model (Mixtral)", BenchMoeCommand.BenchmarkConfig) },
                "both" => new[] { ("bench moe model (Mixtral)", BenchMoeCommand.BenchmarkConfig), ("Qwen3-MoE (real Qwen3 vocabulary size)", Qwen3Config) },
                var other => throw new CliUsageException($"--model: '{other}' is not qwen3, moe or both"),
            };
            var configured = parseResult.GetValue(work);
            var folder = configured ?? Path.Combine(Path.GetTempPath(), "agentrouter-bench-llamacpp-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var bench = new EngineVsLlamaCpp(parseResult.GetValue(steps), parseResult.GetValue(prefill), parseResult.GetValue(repetitions));
                foreach (var (title, config) in models)
                {
                    Run(title, config, bench, threadCounts, Path.Combine(folder, config.Architecture.ToModelType()));
                }
            }
            finally
            {
                if (configured is null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            return 0;
        }));
        return command;
    }

    private static void Run(string title, MoeModelConfig config, EngineVsLlamaCpp bench, int[] threadCounts, string folder)
    {
        var checkpoint = Path.Combine(folder, "checkpoint");
        var f32 = Path.Combine(folder, "model-f32.gguf");
        var q8 = Path.Combine(folder, "model-q8_0.gguf");
        var counts = ParameterCounts.Of(config);
        Console.Error.WriteLine($"{title}: {counts.Total:N0} parameters; writing the checkpoint and GGUF files under {folder}");
        using (var random = MoeForCausalLm.CreateRandom(config, seed: 1234, standardDeviation: 0.02))
        {
            ModelCheckpoint.Save(random, checkpoint);
        }
        GgufExporter.Export(checkpoint, f32, new GgufExportOptions(GgufExportType.F32));
        GgufExporter.Export(checkpoint, q8, new GgufExportOptions(GgufExportType.Q8_0));

        var rows = new List<EngineFigures>();
        var before = EngineVsLlamaCpp.ResidentBytes();
        using (var model = ModelCheckpoint.Load(checkpoint))
        {
            var engineResident = EngineVsLlamaCpp.ResidentBytes() - before;
            foreach (var threads in threadCounts)
            {
                Console.Error.WriteLine($"  engine f32, {threads} thread(s)");
                rows.Add(bench.MeasureEngine(model, config, "f32", threads, engineResident));
            }
            var int8Resident = EngineVsLlamaCpp.QuantiseEngine(model);
            foreach (var threads in threadCounts)
            {
                Console.Error.WriteLine($"  engine int8, {threads} thread(s)");
                rows.Add(bench.MeasureEngine(model, config, "int8 (weight-only)", threads, engineResident + int8Resident));
            }
        }
        foreach (var threads in threadCounts)
        {
            Console.Error.WriteLine($"  llama.cpp f32 and q8_0, {threads} thread(s)");
            rows.Add(bench.MeasureLlamaCpp(f32, "f32", threads, config.VocabSize));
            rows.Add(bench.MeasureLlamaCpp(q8, "q8_0", threads, config.VocabSize));
        }

        string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"### {title}");
        Console.WriteLine();
        Console.WriteLine($"{counts.Total:N0} parameters, {counts.ActivePerToken:N0} active per token; load average at start {File.ReadAllText("/proc/loadavg").Trim()}.");
        Console.WriteLine();
        Console.WriteLine("| engine | precision | threads | decode tok/s (median step) | prefill tok/s | resident MB added by loading |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Engine} | {row.Precision} | {row.Threads} | {F(row.DecodeMedian)} | {F(row.Prefill)} | {row.ResidentBytesAdded / 1e6:F0} |");
        }
        Console.WriteLine();
        Console.WriteLine("| ratio (same run) | " + string.Join(" | ", threadCounts.Select(threads => $"{threads} thread(s)")) + " |");
        Console.WriteLine("|---|" + string.Concat(threadCounts.Select(_ => "---:|")));
        EngineFigures Row(string engine, string precisionPrefix, int threads) =>
            rows.Single(row => row.Engine == engine && row.Precision.StartsWith(precisionPrefix, StringComparison.Ordinal) && row.Threads == threads);
        void Ratio(string label, Func<int, double> ratio) =>
            Console.WriteLine($"| {label} | " + string.Join(" | ", threadCounts.Select(threads => $"{ratio(threads):F2}×")) + " |");
        Ratio("decode: engine f32 / llama.cpp f32 (goal ≥ 1.0)", threads => Row("engine", "f32", threads).DecodeMedian / Row("llama.cpp", "f32", threads).DecodeMedian);
        Ratio("decode: engine int8 / llama.cpp q8_0 (goal ≥ 1.0)", threads => Row("engine", "int8", threads).DecodeMedian / Row("llama.cpp", "q8_0", threads).DecodeMedian);
        Ratio("decode: engine int8 / engine f32 (goal ≥ 2.5)", threads => Row("engine", "int8", threads).DecodeMedian / Row("engine", "f32", threads).DecodeMedian);
        Ratio("prefill: engine f32 / llama.cpp f32 (goal ≥ 0.5)", threads => Row("engine", "f32", threads).Prefill / Row("llama.cpp", "f32", threads).Prefill);
        Ratio("prefill: engine int8 / llama.cpp q8_0 (goal ≥ 0.5)", threads => Row("engine", "int8", threads).Prefill / Row("llama.cpp", "q8_0", threads).Prefill);
        Console.WriteLine();
        Console.WriteLine($"Process peak resident set: {EngineVsLlamaCpp.PeakResidentBytes() / 1e6:F0} MB.");
        Console.WriteLine();
    }
}
