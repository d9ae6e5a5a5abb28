using System.CommandLine;
using System.Globalization;
using AgentRouter.Cli.Commands.MoeBench;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands;

/// <summary>
/// <c>agentrouter bench moe</c>: decode and prefill throughput of the sparse-MoE engine on a randomly
/// initialised ~89M-parameter Mixtral-style model, against the memory-bandwidth roofline and a naive
/// masked loop over all experts. Prints a Markdown report (docs/benchmarks/moe-inference.md).
/// </summary>
internal static class BenchMoeCommand
{
    /// <summary>6 layers × 8 experts (top-2) of width 1024 over d=512, vocabulary 8192: 88.6M parameters, 32.0M active per token.</summary>
    public static MoeModelConfig BenchmarkConfig { get; } = new()
    {
        Architecture = ModelArchitecture.Mixtral,
        VocabSize = 8192,
        HiddenSize = 512,
        NumLayers = 6,
        NumHeads = 8,
        NumKeyValueHeads = 4,
        HeadDim = 64,
        MaxPositionEmbeddings = 1024,
        NumExperts = 8,
        ExpertsPerToken = 2,
        ExpertIntermediateSize = 1024,
        NormTopKProbabilities = true,
        RmsNormEps = 1e-5,
        RopeTheta = 1e6,
    };

    public static Command Build()
    {
        var steps = new Option<int>("--decode-steps") { Description = "Tokens decoded per measurement.", DefaultValueFactory = _ => 64 };
        var repetitions = new Option<int>("--repetitions") { Description = "Measurements per figure (the median is reported).", DefaultValueFactory = _ => 3 };
        var prompt = new Option<int>("--prefill-tokens") { Description = "Prompt length for the prefill figure.", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "torch intra-op threads (0 = libtorch's default)." };
        var profile = new Option<bool>("--profile") { Description = "Instead of the benchmark, print where a batch-1 decode step spends its time." };
        var model = new Option<string>("--model")
        {
            Description = "With --profile: moe (the benchmark's Mixtral) or qwen3 (the Qwen3-MoE of `bench llamacpp`, 735M parameters, ~3 GB).",
            DefaultValueFactory = _ => "moe",
        };
        model.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not ("moe" or "qwen3"))
            {
                result.AddError($"--model must be moe or qwen3, not '{result.GetValueOrDefault<string>()}'.");
            }
        });
        var moe = new Command("moe", "Benchmark sparse-MoE decode/prefill against the bandwidth roofline and a naive expert loop.") { steps, repetitions, prompt, threads, profile, model };
        moe.Validators.Add(result =>
        {
            // Only a --model the user wrote counts: in a validator an absent option reads as null, not as its default.
            if (result.GetResult(model) is { Implicit: false } && result.GetValue(model) is { } chosen && chosen != "moe" && !result.GetValue(profile))
            {
                result.AddError("--model applies to --profile only; the benchmark itself runs the moe model.");
            }
        });
        moe.SetAction(parseResult => CliErrors.Guard(() =>
        {
            if (parseResult.GetValue(threads) > 0)
            {
                set_num_threads(parseResult.GetValue(threads));
            }
            var modelName = parseResult.GetValue(model);
            var config = modelName == "qwen3" ? BenchLlamaCppCommand.Qwen3Config : BenchmarkConfig;
            if (parseResult.GetValue(profile))
            {
                using var profiled = MoeForCausalLm.CreateRandom(config, seed: 1234);
                profiled.eval();
                new DecodeStepProfiler(profiled, calls: 200).Print();
                return 0;
            }
            Run(parseResult.GetValue(steps), parseResult.GetValue(repetitions), parseResult.GetValue(prompt));
            return 0;
        }));
        return moe;
    }

    private static void Run(int decodeSteps, int repetitions, int prefillTokens)
    {
        var config = BenchmarkConfig;
        var runner = new MoeBenchmarkRunner(config, decodeSteps, repetitions);
        var counts = ParameterCounts.Of(config);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 1234);
        model.eval();

        var bandwidth = runner.MeasureCopyBandwidth();
        var read = runner.MeasureReadBandwidth();
        var activeBytes = runner.ActiveWeightBytesPerToken();
        var roofline = bandwidth * 1e9 / activeBytes;
        var readRoofline = read.Best * 1e9 / activeBytes;
        var (decode1, libtorchDecode1) = runner.MeasureDecodeWithAndWithoutManagedKernels(model, batch: 1);
        var (decode8, libtorchDecode8) = runner.MeasureDecodeWithAndWithoutManagedKernels(model, batch: 8);
        var prefill = runner.MeasurePrefill(model, prefillTokens);

        var naive = new NaiveMaskedExpertDispatch();
        foreach (var layer in model.Body.Layers.Where(layer => layer.SparseMlp is not null))
        {
            layer.SparseMlp!.Dispatch = naive;
        }
        var naiveDecode1 = runner.MeasureDecode(model, batch: 1, Math.Max(8, decodeSteps / 2));

        string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
        string Rate(MoeBenchmarkRunner.DecodeRate rate) => $"{F(rate.MedianStep)} | {F(rate.BestStep)} | {F(rate.PerCpuSecond)}";
        Console.WriteLine("| setting | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| torch threads | {get_num_threads()} |");
        Console.WriteLine($"| total parameters | {counts.Total:N0} |");
        Console.WriteLine($"| active parameters per token | {counts.ActivePerToken:N0} |");
        Console.WriteLine($"| active weight bytes per decoded token (fp32, embedding table excluded) | {activeBytes / 1e6:F1} MB |");
        Console.WriteLine($"| copy bandwidth, read+write, 256 MiB, best of runs | {F(bandwidth)} GB/s |");
        Console.WriteLine($"| read bandwidth, libtorch sum over 256 MiB, best of runs | {F(read.Reduction)} GB/s |");
        Console.WriteLine($"| read bandwidth, managed GEMV (DecodeLinear) over a 256 MiB [16384, 4096] matrix | {F(read.ManagedGemv)} GB/s |");
        Console.WriteLine($"| read bandwidth, libtorch linear (GEMV) over the same matrix | {F(read.LibtorchGemv)} GB/s |");
        Console.WriteLine($"| roofline = copy read+write bandwidth / active bytes (the goal's reference) | {F(roofline)} tok/s |");
        Console.WriteLine($"| read-only roofline = (bytes copied per second) / active bytes = roofline / 2 | {F(roofline / 2)} tok/s |");
        Console.WriteLine($"| measured-read roofline = best read bandwidth above / active bytes | {F(readRoofline)} tok/s |");
        Console.WriteLine($"| prefill, {prefillTokens}-token prompt, best of runs | {F(prefill)} tok/s |");
        Console.WriteLine();
        Console.WriteLine("| decode (tok/s) | median step | best step | per CPU-second |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| engine, batch 1 | {Rate(decode1)} |");
        Console.WriteLine($"| engine, batch 8 | {Rate(decode8)} |");
        Console.WriteLine($"| engine with libtorch kernels only (managed decode kernels off), batch 1 | {Rate(libtorchDecode1)} |");
        Console.WriteLine($"| engine with libtorch kernels only, batch 8 | {Rate(libtorchDecode8)} |");
        Console.WriteLine($"| naive masked loop over all experts, batch 1 | {Rate(naiveDecode1)} |");
        string Share(double reference) =>
            $"{decode1.MedianStep / reference * 100:F0}% | {decode1.BestStep / reference * 100:F0}% | {decode1.PerCpuSecond / reference * 100:F0}%";
        Console.WriteLine($"| engine batch 1, weight bytes streamed (GB/s) | {F(decode1.MedianStep * activeBytes / 1e9)} | {F(decode1.BestStep * activeBytes / 1e9)} | {F(decode1.PerCpuSecond * activeBytes / 1e9)} |");
        Console.WriteLine($"| engine batch 1 / roofline, copy read+write (goal ≥ 60%) | {Share(roofline)} |");
        Console.WriteLine($"| engine batch 1 / read-only roofline, copy ÷ 2 | {Share(roofline / 2)} |");
        Console.WriteLine($"| engine batch 1 / measured-read roofline | {Share(readRoofline)} |");
        Console.WriteLine($"| engine / libtorch kernels only, batch 1 | {decode1.MedianStep / libtorchDecode1.MedianStep:F2}× | {decode1.BestStep / libtorchDecode1.BestStep:F2}× | {decode1.PerCpuSecond / libtorchDecode1.PerCpuSecond:F2}× |");
        Console.WriteLine($"| engine / naive, batch 1 (goal ≥ 2×) | {decode1.MedianStep / naiveDecode1.MedianStep:F2}× | {decode1.BestStep / naiveDecode1.BestStep:F2}× | {decode1.PerCpuSecond / naiveDecode1.PerCpuSecond:F2}× |");
    }
}
