using System.Diagnostics;
using System.Globalization;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.MoeBench;

/// <summary>
/// Where a batch-1 decode step spends its time (<c>bench moe --profile</c>): each part of the step is
/// timed on its own (best and median of many calls) with the number of tensors it creates (one per
/// libtorch op result, a proxy for how many ops it dispatches), then the weight products alone, with
/// libtorch's kernel and with the engine's managed one, on weights that rotate through memory as in
/// decoding; then the parts again with the model's int8 decode copies (weight-only, then int8 activations).
/// Benchmark-only.
/// </summary>
internal sealed class DecodeStepProfiler
{
    private const int PromptLength = 16;
    private readonly MoeForCausalLm _model;
    private readonly int _calls;

    public DecodeStepProfiler(MoeForCausalLm model, int calls)
    {
        _model = model;
        _calls = calls;
    }

    public void Print()
    {
        var config = _model.Config;
        var modules = _model.named_modules().ToDictionary(pair => pair.name, pair => pair.module, StringComparer.Ordinal);
        var parameters = _model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter, StringComparer.Ordinal);
        using var inference = inference_mode();
        using var prompt = arange(1, PromptLength + 1, 1, ScalarType.Int64).unsqueeze(0);
        // A fresh cache for every table, so that each measures attention over the same cached lengths.
        KvCache? cache = null;
        using var token = tensor(new long[] { 7 }, new long[] { 1, 1 });
        using var hidden = randn(1, 1, config.HiddenSize) * 0.5;
        using var flatHidden = hidden.reshape(1, config.HiddenSize);
        using var positions = full(new long[] { 1, 1 }, (long)PromptLength, ScalarType.Int64);
        using var rotary = new RotaryTable(config.HeadDim, config.RopeTheta);
        var (cos, sin) = rotary.Gather(positions, ScalarType.Float32);
        var layer0 = "model.layers.0.";
        var norm = (RmsNorm)modules[layer0 + "input_layernorm"];
        var attention = (Attention)modules[layer0 + "self_attn"];
        var sparse = (SparseMoeBlock)modules[layer0 + "mlp"];
        var layer = _model.Body.Layers[0];
        var lmHead = parameters.TryGetValue("lm_head.weight", out var head) ? head : parameters["model.embed_tokens.weight"];
        var layers = config.NumLayers;

        foreach (var managed in new[] { true, false })
        {
            DecodeLinear.ManagedKernelsEnabled = managed;
            Console.WriteLine($"Parts of a batch-1 decode step, managed decode kernels {(managed ? "on (the engine)" : "off (libtorch kernels only)")} (torch threads {get_num_threads()}; {_calls} calls each; layer 0 stands for every layer, so its weights may sit in cache):");
            Console.WriteLine();
            PrintParts();
            Console.WriteLine();
        }
        DecodeLinear.ManagedKernelsEnabled = true;
        // Then the int8 decode copies (the model is the profiler's own): the same parts with each int8 arithmetic.
        foreach (var activations in new[] { Int8Activations.Float32, Int8Activations.Int8 })
        {
            Int8DecodeWeights.Quantize(_model, activations);
            Console.WriteLine($"Parts of a batch-1 decode step, int8 decode weights, activations {activations} (torch threads {get_num_threads()}; {_calls} calls each):");
            Console.WriteLine();
            PrintParts();
            Console.WriteLine();
        }

        cache?.Dispose();

        void PrintParts()
        {
            cache?.Dispose();
            cache = new KvCache(config, 1, PromptLength + (3 * (_calls + 8)), _model.DType, _model.Device);
            _model.Forward(prompt, null, cache).Dispose();
            Table(new[]
            {
                Measure("whole decode step (MoeForCausalLm.Forward, KV cache, last position)", 1, () => _model.Forward(token, null, cache, lastPositionOnly: true).Dispose()),
                Measure("decoder layer", layers, () => Drop(layer.Forward(hidden, cos, sin, null, cache))),
                Measure("RMSNorm", (2 * layers) + 1, () => norm.forward(hidden).Dispose()),
                Measure("attention incl. q/k/v/o projections", layers, () => attention.Forward(hidden, cos, sin, null, cache, 0).Dispose()),
                Measure("sparse-MoE block (router + k experts)", layers, () => Drop(sparse.Forward(flatHidden))),
                Measure("lm_head", 1, () => DecodeLinear.Apply(hidden, lmHead).Dispose()),
                Measure("one tiny libtorch op (add of two [1, H] tensors)", 0, () => flatHidden.add(flatHidden).Dispose()),
            });
        }

        Console.WriteLine("Weight products alone, [1, K] × [N, K]ᵀ, each call on the next of many such matrices (all of them far larger than the caches):");
        Console.WriteLine();
        Console.WriteLine("| product | MB per call | libtorch linear, best (µs) | GB/s | managed DecodeLinear, best (µs) | GB/s |");
        Console.WriteLine("|---|---|---|---|---|---|");
        using var pool = randn(64L * 1024 * 1024);
        foreach (var (name, rows, columns) in new[]
        {
            ("expert gate_up", config.ExpertIntermediateSize * 2, (long)config.HiddenSize),
            ("expert down", (long)config.HiddenSize, config.ExpertIntermediateSize),
            ("q / o projection", (long)config.NumHeads * config.HeadDim, (long)config.HiddenSize),
            ("lm_head", (long)config.VocabSize, (long)config.HiddenSize),
        })
        {
            var elements = rows * columns;
            var count = pool.shape[0] / elements;
            // A stride coprime with the count visits every matrix before any repeats, in no sequential order. A product
            // larger than the pool (the Qwen3 lm_head: 622 MB) gets one matrix of its own, far larger than the caches too.
            var matrices = count == 0
                ? [randn(rows, columns)]
                : Enumerable.Range(0, (int)count)
                    .Select(index => pool.narrow(0, (index * 7919L % count) * elements, elements).view(rows, columns)).ToArray();
            using var input = randn(1, columns);
            var next = 0;
            var torchRow = Measure(name, 0, () => nn.functional.linear(input, matrices[next++ % matrices.Length]).Dispose());
            var managedRow = Measure(name, 0, () => DecodeLinear.Apply(input, matrices[next++ % matrices.Length]).Dispose());
            var megabytes = elements * 4 / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} [{rows}, {columns}] | {megabytes:F1} | {torchRow.BestMicroseconds:F0} | {megabytes / torchRow.BestMicroseconds * 1e3:F1} | {managedRow.BestMicroseconds:F0} | {megabytes / managedRow.BestMicroseconds * 1e3:F1} |"));
            foreach (var matrix in matrices)
            {
                matrix.Dispose();
            }
        }
    }

    private static void Table(IEnumerable<Row> rows)
    {
        Console.WriteLine("| part | per call, best (µs) | per call, median (µs) | tensors created per call | calls per step | per step at the median (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Name} | {row.BestMicroseconds:F0} | {row.MedianMicroseconds:F0} | {row.TensorsCreated} | {row.CallsPerStep} | {row.MedianMicroseconds * row.CallsPerStep / 1000:F2} |"));
        }
    }

    private static void Drop((Tensor Output, Tensor? Extra) pair)
    {
        pair.Output.Dispose();
        pair.Extra?.Dispose();
    }

    private Row Measure(string name, int callsPerStep, Action call)
    {
        for (var warm = 0; warm < 3; warm++)
        {
            call();
        }
        var statistics = DisposeScopeManager.Statistics.TensorStatistics;
        var createdBefore = statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
        call();
        var created = statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount - createdBefore;
        var times = new double[_calls];
        for (var index = 0; index < times.Length; index++)
        {
            var watch = Stopwatch.StartNew();
            call();
            times[index] = watch.Elapsed.TotalSeconds * 1e6;
        }
        Array.Sort(times);
        return new Row(name, times[0], times[times.Length / 2], created, callsPerStep);
    }

    private readonly record struct Row(string Name, double BestMicroseconds, double MedianMicroseconds, long TensorsCreated, int CallsPerStep);
}
