using System.Diagnostics;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
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

    /// <summary>GB/s of read+write traffic for a large tensor copy (best of the repetitions).</summary>
    public double MeasureCopyBandwidth(long bytes = 256L * 1024 * 1024)
    {
        using var source = rand(bytes / 4);
        using var target = empty_like(source);
        target.copy_(source);
        var best = double.MaxValue;
        for (var repetition = 0; repetition < Math.Max(3, _repetitions); repetition++)
        {
            var watch = Stopwatch.StartNew();
            target.copy_(source);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * bytes / best / 1e9;
    }

    /// <summary>Decode tokens/s: (time for 1 + steps new tokens − time for 1) / steps, median of the repetitions.</summary>
    public double MeasureDecode(MoeForCausalLm model, int batch, int steps)
    {
        var prompts = Enumerable.Range(0, batch).Select(row => Enumerable.Range(1 + row, 16).ToArray()).ToArray();
        var options = new GenerationOptions { Greedy = true, StopTokenIds = Array.Empty<int>() };
        SequenceGenerator.Generate(model, prompts, options with { MaxNewTokens = 4 });
        var rates = new List<double>();
        for (var repetition = 0; repetition < _repetitions; repetition++)
        {
            var prefillOnly = Time(() => SequenceGenerator.Generate(model, prompts, options with { MaxNewTokens = 1 }));
            var full = Time(() => SequenceGenerator.Generate(model, prompts, options with { MaxNewTokens = steps + 1 }));
            rates.Add(batch * steps / Math.Max(full - prefillOnly, 1e-9));
        }
        return Median(rates);
    }

    public double MeasureDecode(MoeForCausalLm model, int batch) => MeasureDecode(model, batch, _decodeSteps);

    /// <summary>Prompt tokens/s for one forward pass over a batch-1 prompt (no cache), median of the repetitions.</summary>
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
        return Median(rates);
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

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
