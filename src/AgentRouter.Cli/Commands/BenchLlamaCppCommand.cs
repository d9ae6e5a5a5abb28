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
        var activations = new Option<string>("--int8-activations")
        {
            Description = "Engine int8 rows: float32 (weight-only), int8 (activations quantised too, llama.cpp's q8_0 arithmetic) or both.",
            DefaultValueFactory = _ => "both",
        };
        var accuracy = new Option<int>("--accuracy-positions")
        {
            Description = "Teacher-forced decode positions for each engine int8 row's logits cosine and top-1 agreement against f32 (0: skip).",
            DefaultValueFactory = _ => 500,
        };
        var command = new Command("llamacpp", "Benchmark the engine against llama.cpp on the same weights: decode and prefill, f32 and 8-bit.")
        {
            model, threads, steps, prefill, repetitions, work, activations, accuracy,
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
            var int8Modes = parseResult.GetValue(activations) switch
            {
                "float32" => new[] { Int8Activations.Float32 },
                "int8" => new[] { Int8Activations.Int8 },
                "both" => new[] { Int8Activations.Float32, Int8Activations.Int8 },
                var other => throw new CliUsageException($"--int8-activations: '{other}' is not float32, int8 or both"),
            };
            var accuracyPositions = parseResult.GetValue(accuracy);
            if (accuracyPositions < 0)
            {
                throw new CliUsageException("--accuracy-positions must be 0 or more");
            }
            var configured = parseResult.GetValue(work);
            var folder = configured ?? Path.Combine(Path.GetTempPath(), "agentrouter-bench-llamacpp-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var bench = new EngineVsLlamaCpp(parseResult.GetValue(steps), parseResult.GetValue(prefill), parseResult.GetValue(repetitions));
                foreach (var (title, config) in models)
                {
                    Run(title, config, bench, new Int8Rows(int8Modes, accuracyPositions), threadCounts, Path.Combine(folder, config.Architecture.ToModelType()));
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

    /// <summary>Which engine int8 variants are measured, and over how many positions their accuracy is checked.</summary>
    private sealed record Int8Rows(Int8Activations[] Modes, int AccuracyPositions);

    private static string Int8Label(Int8Activations mode) => mode == Int8Activations.Int8 ? "int8 (int8 activations)" : "int8 (weight-only)";

    private static void Run(string title, MoeModelConfig config, EngineVsLlamaCpp bench, Int8Rows int8, int[] threadCounts, string folder)
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
        var accuracy = new List<Int8AccuracyFigures>();
        var before = EngineVsLlamaCpp.ResidentBytes();
        Int8AccuracyReference? reference = null;
        using (var model = ModelCheckpoint.Load(checkpoint))
        {
            var engineResident = EngineVsLlamaCpp.ResidentBytes() - before;
            foreach (var threads in threadCounts)
            {
                Console.Error.WriteLine($"  engine f32, {threads} thread(s)");
                rows.Add(bench.MeasureEngine(model, config, "f32", threads, engineResident));
            }
            reference = int8.AccuracyPositions > 0 ? Int8AccuracyReference.Measure(model, int8.AccuracyPositions) : null;
            var int8Resident = 0L;
            foreach (var mode in int8.Modes)
            {
                // The int8 blocks are made once; a later mode only switches how the decode products treat the activations.
                int8Resident += EngineVsLlamaCpp.QuantiseEngine(model, mode);
                foreach (var threads in threadCounts)
                {
                    Console.Error.WriteLine($"  engine {Int8Label(mode)}, {threads} thread(s)");
                    rows.Add(bench.MeasureEngine(model, config, Int8Label(mode), threads, engineResident + int8Resident));
                }
                if (reference is not null)
                {
                    accuracy.Add(reference.Compare(model, Int8Label(mode)));
                }
            }
        }
        foreach (var threads in threadCounts)
        {
            Console.Error.WriteLine($"  llama.cpp f32 and q8_0, {threads} thread(s)");
            rows.Add(bench.MeasureLlamaCpp(f32, "f32", threads, config.VocabSize));
            rows.Add(bench.MeasureLlamaCpp(q8, "q8_0", threads, config.VocabSize));
        }
        if (reference is not null)
        {
            accuracy.Add(EngineVsLlamaCpp.LlamaCppAccuracy(q8, "llama.cpp q8_0 (anchor)", threadCounts[0], reference));
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
        EngineFigures Row(string engine, string precision, int threads) =>
            rows.Single(row => row.Engine == engine && row.Precision == precision && row.Threads == threads);
        void Ratio(string label, Func<int, double> ratio) =>
            Console.WriteLine($"| {label} | " + string.Join(" | ", threadCounts.Select(threads => $"{ratio(threads):F2}×")) + " |");
        Ratio("decode: engine f32 / llama.cpp f32 (goal ≥ 1.0)", threads => Row("engine", "f32", threads).DecodeMedian / Row("llama.cpp", "f32", threads).DecodeMedian);
        foreach (var label in int8.Modes.Select(Int8Label))
        {
            Ratio($"decode: engine {label} / llama.cpp q8_0 (goal ≥ 1.0)", threads => Row("engine", label, threads).DecodeMedian / Row("llama.cpp", "q8_0", threads).DecodeMedian);
            Ratio($"decode: engine {label} / engine f32 (goal ≥ 2.5)", threads => Row("engine", label, threads).DecodeMedian / Row("engine", "f32", threads).DecodeMedian);
        }
        Ratio("prefill: engine f32 / llama.cpp f32 (goal ≥ 0.5)", threads => Row("engine", "f32", threads).Prefill / Row("llama.cpp", "f32", threads).Prefill);
        var firstInt8 = Int8Label(int8.Modes[0]);
        Ratio($"prefill: engine {firstInt8} / llama.cpp q8_0 (goal ≥ 0.5)", threads => Row("engine", firstInt8, threads).Prefill / Row("llama.cpp", "q8_0", threads).Prefill);
        Console.WriteLine();
        if (accuracy.Count > 0)
        {
            Console.WriteLine("| 8-bit decode vs engine f32, teacher-forced along f32's greedy decode | mean logits cosine (goal ≥ 0.999) | minimum cosine | top-1 agreement (goal ≥ 99 %) |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var figures in accuracy)
            {
                Console.WriteLine($"| {figures.Precision} | {figures.MeanCosine:F5} | {figures.MinimumCosine:F5} | {figures.TopOneAgreements}/{figures.Positions} ({100.0 * figures.TopOneAgreements / figures.Positions:F1} %) |");
            }
            Console.WriteLine();
        }
        Console.WriteLine($"Process peak resident set: {EngineVsLlamaCpp.PeakResidentBytes() / 1e6:F0} MB.");
        Console.WriteLine();
    }
}
