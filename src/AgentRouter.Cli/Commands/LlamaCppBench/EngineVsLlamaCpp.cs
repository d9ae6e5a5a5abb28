using System.Diagnostics;
using AgentRouter.Cli.Commands.MoeBench;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using AgentRouter.LlamaCpp;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.LlamaCppBench;

/// <summary>One row of the comparison: decode (median step, tok/s), prefill (tok/s, best of runs) and the resident
/// bytes the model added when it was loaded.</summary>
internal sealed record EngineFigures(string Engine, string Precision, int Threads, double DecodeMedian, double Prefill, long ResidentBytesAdded);

/// <summary>
/// The engine and llama.cpp on the same weights, same prompt, same thread count: batch-1 decode measured as the
/// median gap between consecutive tokens over the decode steps (after a warm-up generation), and prefill as one
/// forward pass over a prompt (best of the repetitions).
/// </summary>
internal sealed class EngineVsLlamaCpp
{
    private readonly int _decodeSteps;
    private readonly int _prefillTokens;
    private readonly int _repetitions;

    public EngineVsLlamaCpp(int decodeSteps, int prefillTokens, int repetitions)
    {
        _decodeSteps = decodeSteps;
        _prefillTokens = prefillTokens;
        _repetitions = repetitions;
    }

    public EngineFigures MeasureEngine(MoeForCausalLm model, MoeModelConfig config, string precision, int threads, long residentBytesAdded)
    {
        set_num_threads(threads);
        var runner = new MoeBenchmarkRunner(config, _decodeSteps, _repetitions);
        var decode = runner.MeasureDecode(model, batch: 1);
        var prefill = runner.MeasurePrefill(model, _prefillTokens);
        return new EngineFigures("engine", precision, threads, decode.MedianStep, prefill, residentBytesAdded);
    }

    public EngineFigures MeasureLlamaCpp(string ggufPath, string precision, int threads, int vocabularySize)
    {
        var before = ResidentBytes();
        using var model = LlamaCppModel.Load(ggufPath, new LlamaCppModelOptions(
            ContextSize: Math.Max(_prefillTokens, 16 + _decodeSteps + 8) + 16, BatchSize: Math.Max(_prefillTokens, 64), Threads: threads));
        var prompt = Enumerable.Range(1, 16).ToArray();
        var gaps = new List<double>();
        // Warm-up, then the repetitions: feed the prompt, then one token at a time as a decode does.
        for (var repetition = 0; repetition <= _repetitions; repetition++)
        {
            model.Reset();
            var logits = model.FeedForLastLogits(prompt, 0);
            var watch = Stopwatch.StartNew();
            var previous = 0.0;
            for (var step = 0; step < _decodeSteps; step++)
            {
                var next = TokenSampler.ArgMax(logits);
                logits = model.FeedForLastLogits([next], prompt.Length + step);
                var now = watch.Elapsed.TotalSeconds;
                if (repetition > 0)
                {
                    gaps.Add(now - previous);
                }
                previous = now;
            }
        }
        var random = new Random(7);
        var prefillIds = Enumerable.Range(0, _prefillTokens).Select(_ => random.Next(vocabularySize)).ToArray();
        var prefillRates = new List<double>();
        for (var repetition = 0; repetition <= _repetitions; repetition++)
        {
            model.Reset();
            var watch = Stopwatch.StartNew();
            model.Feed(prefillIds, 0, logitsForAll: false);
            if (repetition > 0)
            {
                prefillRates.Add(_prefillTokens / watch.Elapsed.TotalSeconds);
            }
        }
        gaps.Sort();
        return new EngineFigures("llama.cpp", precision, threads, 1 / gaps[gaps.Count / 2], prefillRates.Max(), ResidentBytes() - before);
    }

    /// <summary>llama.cpp's logits along <paramref name="reference"/>'s tokens, fed one at a time (its decode path), for
    /// the same accuracy figures as the engine's int8 (an anchor: what llama.cpp's own q8_0 reaches on this model).</summary>
    public static Int8AccuracyFigures LlamaCppAccuracy(string ggufPath, string precision, int threads, Int8AccuracyReference reference)
    {
        var sequence = reference.Sequence;
        using var model = LlamaCppModel.Load(ggufPath, new LlamaCppModelOptions(ContextSize: sequence.Count + 16, BatchSize: 64, Threads: threads));
        var rows = new List<float[]>();
        for (var position = 0; position < sequence.Count - 1; position++)
        {
            var logits = model.Feed([sequence[position]], position, logitsForAll: false)[^1];
            if (position >= reference.FirstComparedPosition)
            {
                rows.Add(logits);
            }
        }
        return reference.Compare(rows.ToArray(), precision);
    }

    public static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>The process's peak resident set so far (VmHWM), in bytes; 0 where /proc is not available.</summary>
    public static long PeakResidentBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(text => text.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Quantises the engine's decode weights to int8 (idempotent; another <paramref name="activations"/> only
    /// switches the kernels' arithmetic) and returns the resident bytes it added.</summary>
    public static long QuantiseEngine(MoeForCausalLm model, Int8Activations activations)
    {
        var before = ResidentBytes();
        Int8DecodeWeights.Quantize(model, activations);
        return ResidentBytes() - before;
    }
}
