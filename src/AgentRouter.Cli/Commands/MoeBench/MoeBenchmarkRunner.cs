using System.Diagnostics;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.MoeBench;

/// <summary>Measures decode, prefill, copy bandwidth and the naive-loop reference on one random MoE.</summary>
internal sealed class MoeBenchmarkRunner
{
    private readonly MoeModelConfig _config;
    private readonly int _decodeSteps;
    private readonly int _repetitions;

    public MoeBenchmarkRunner(MoeModelConfig config, int decodeSteps, int repetitions)
    {
        _config = config;
        _decodeSteps = decodeSteps;
        _repetitions = repetitions;
    }

    private const long ReferenceBytes = 256L * 1024 * 1024;

    /// <summary>GB/s of read+write traffic for a 256 MiB tensor copy (best of the repetitions).</summary>
    public double MeasureCopyBandwidth()
    {
        using var source = rand(ReferenceBytes / 4);
        using var target = empty_like(source);
        return 2.0 * ReferenceBytes / BestSeconds(() => target.copy_(source)) / 1e9;
    }

    /// <summary>
    /// GB/s read by streaming 256 MiB of float32 weights once: a libtorch <c>sum</c> reduction, the engine's
    /// managed matrix–vector product (<see cref="DecodeLinear"/>) and libtorch's <c>linear</c> on a
    /// [16384, 4096] matrix, each best of the repetitions.
    /// </summary>
    public ReadBandwidths MeasureReadBandwidth()
    {
        using var weights = rand(16384, ReferenceBytes / 4 / 16384);
        using var vector = rand(1, weights.shape[1]);
        using var inference = inference_mode();
        var reduction = ReferenceBytes / BestSeconds(() => weights.sum().Dispose()) / 1e9;
        var managed = ReferenceBytes / BestSeconds(() => DecodeLinear.Apply(vector, weights).Dispose()) / 1e9;
        var libtorch = ReferenceBytes / BestSeconds(() => nn.functional.linear(vector, weights).Dispose()) / 1e9;
        return new ReadBandwidths(reduction, managed, libtorch);
    }

    private double BestSeconds(Action action)
    {
        action();
        var best = double.MaxValue;
        for (var repetition = 0; repetition < Math.Max(10, _repetitions); repetition++)
        {
            best = Math.Min(best, Time(action));
        }
        return best;
    }

    /// <summary>
    /// Decode tokens/s for a batch, from the gaps between consecutive streamed tokens (prefill excluded):
    /// the median gap, the best gap, and tokens per second of process CPU time (contention-independent
    /// when torch runs one thread).
    /// </summary>
    public DecodeRate MeasureDecode(MoeForCausalLm model, int batch, int steps)
    {
        var prompts = Enumerable.Range(0, batch).Select(row => Enumerable.Range(1 + row, 16).ToArray()).ToArray();
        var options = new GenerationOptions { Greedy = true, StopTokenIds = Array.Empty<int>(), MaxNewTokens = steps + 1 };
        SequenceGenerator.Generate(model, prompts, options with { MaxNewTokens = 4 });
        var gaps = new List<double>();
        var cpuSeconds = 0.0;
        for (var repetition = 0; repetition < _repetitions; repetition++)
        {
            var watch = new Stopwatch();
            var cpuAtFirstToken = TimeSpan.Zero;
            var previous = 0.0;
            SequenceGenerator.Generate(model, prompts, options, token =>
            {
                if (token.SequenceIndex != 0)
                {
                    return;
                }
                if (token.Step == 0)
                {
                    watch.Start();
                    cpuAtFirstToken = Process.GetCurrentProcess().TotalProcessorTime;
                    return;
                }
                var now = watch.Elapsed.TotalSeconds;
                gaps.Add(now - previous);
                previous = now;
            });
            cpuSeconds += (Process.GetCurrentProcess().TotalProcessorTime - cpuAtFirstToken).TotalSeconds;
        }
        return new DecodeRate(batch / Median(gaps), batch / gaps.Min(), batch * (double)gaps.Count / cpuSeconds);
    }

    public DecodeRate MeasureDecode(MoeForCausalLm model, int batch) => MeasureDecode(model, batch, _decodeSteps);

    /// <summary>Prompt tokens/s for one forward pass over a batch-1 prompt (no cache), best of the repetitions.</summary>
    public double MeasurePrefill(MoeForCausalLm model, int promptLength)
    {
        using var inference = inference_mode();
        using var ids = randint(0, _config.VocabSize, new long[] { 1, promptLength });
        model.Forward(ids, lastPositionOnly: true).Dispose();
        var rates = new List<double>();
        for (var repetition = 0; repetition < _repetitions; repetition++)
        {
            rates.Add(promptLength / Time(() => model.Forward(ids, lastPositionOnly: true).Dispose()));
        }
        return rates.Max();
    }

    /// <summary>Weight bytes one decoded token must stream: all active weights except the embedding table (one row is read).</summary>
    public long ActiveWeightBytesPerToken() =>
        (ParameterCounts.Of(_config).ActivePerToken - ((long)_config.VocabSize * _config.HiddenSize) + _config.HiddenSize) * sizeof(float);

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>GB/s read: reduction, managed GEMV, libtorch GEMV.</summary>
    internal readonly record struct ReadBandwidths(double Reduction, double ManagedGemv, double LibtorchGemv)
    {
        /// <summary>The fastest of the three: the read rate this thread count demonstrably reaches.</summary>
        public double Best => Math.Max(Reduction, Math.Max(ManagedGemv, LibtorchGemv));
    }

    internal readonly record struct DecodeRate(double MedianStep, double BestStep, double PerCpuSecond);

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
