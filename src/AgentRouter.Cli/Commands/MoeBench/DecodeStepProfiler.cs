using System.Diagnostics;
using System.Globalization;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.MoeBench;

/// <summary>
/// Where a batch-1 decode step spends its time (<c>bench moe --profile</c>): each part of the step is
/// timed on its own (best and median of many calls), with the number of tensors it creates (one per
/// libtorch op result, a proxy for dispatch count), next to the bare weight matmuls it contains and the
/// per-op cost of a tiny op. Benchmark-only.
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
        using var cache = new KvCache(config, 1, PromptLength + (4 * _calls) + 8, _model.DType, _model.Device);
        using var prompt = arange(1, PromptLength + 1, 1, ScalarType.Int64).unsqueeze(0);
        _model.Forward(prompt, null, cache).Dispose();
        using var token = tensor(new long[] { 7 }, new long[] { 1, 1 });
        using var hidden = randn(1, 1, config.HiddenSize) * 0.5;
        using var flatHidden = hidden.reshape(1, config.HiddenSize);
        using var positions = full(new long[] { 1, 1 }, (long)PromptLength, ScalarType.Int64);
        using var rotary = new RotaryTable(config.HeadDim, config.RopeTheta);
        var (cos, sin) = rotary.Gather(positions, ScalarType.Float32);

        var rows = new List<Row>
        {
            Measure("whole decode step (model.Forward, cache, last position)", 1, () => _model.Forward(token, null, cache, lastPositionOnly: true).Dispose()),
        };
        var layer0 = "model.layers.0.";
        var inputNorm = (RmsNorm)modules[layer0 + "input_layernorm"];
        var attention = (Attention)modules[layer0 + "self_attn"];
        var sparse = (SparseMoeBlock)modules[layer0 + "mlp"];
        var layer = _model.Body.Layers[0];
        rows.Add(Measure("decoder layer (×layers)", config.NumLayers, () => Drop(layer.Forward(hidden, cos, sin, null, cache))));
        rows.Add(Measure("  RMSNorm (×2 per layer, +1 final)", (2 * config.NumLayers) + 1, () => inputNorm.forward(hidden).Dispose()));
        rows.Add(Measure("  attention incl. q/k/v/o (×layers)", config.NumLayers, () => attention.Forward(hidden, cos, sin, null, cache, 0).Dispose()));
        rows.Add(Measure("  sparse-MoE block: router + experts (×layers)", config.NumLayers, () => Drop(sparse.Forward(flatHidden))));
        var lmHead = parameters.TryGetValue("lm_head.weight", out var head) ? head : parameters["model.embed_tokens.weight"];
        rows.Add(Measure("lm_head", 1, () => nn.functional.linear(hidden, lmHead).Dispose()));

        var attentionWeights = new[] { "q_proj", "k_proj", "v_proj", "o_proj" }.Select(name => parameters[layer0 + "self_attn." + name + ".weight"]).ToArray();
        rows.Add(Measure("  bare q/k/v/o matmuls (×layers)", config.NumLayers, () =>
        {
            foreach (var weight in attentionWeights)
            {
                var input = hidden.narrow(-1, 0, weight.shape[1]);
                nn.functional.linear(input, weight).Dispose();
            }
        }));
        var expertCount = sparse.Experts.NumExperts;
        var nextExpert = 0L;
        rows.Add(Measure("  bare expert matmuls, k experts (×layers)", config.NumLayers, () =>
        {
            for (var slot = 0; slot < config.ExpertsPerToken; slot++)
            {
                // Rotate over all experts so the weights come from memory, as in decoding, not from cache.
                var expert = nextExpert++ % expertCount;
                using var gateUp = nn.functional.linear(flatHidden, sparse.Experts.GateUpProjection[expert]);
                nn.functional.linear(gateUp.narrow(-1, 0, sparse.Experts.IntermediateSize), sparse.Experts.DownProjection[expert]).Dispose();
            }
        }));
        using var left = randn(1, config.HiddenSize);
        using var right = randn(1, config.HiddenSize);
        rows.Add(Measure("one tiny op (add of two [1, H] tensors)", 1, () => left.add(right).Dispose()));

        using (var weights = randn(16384, 4096))
        using (var vector = randn(1, 4096))
        {
            var bytes = weights.NumberOfElements * 4.0;
            rows.Add(Measure("READ sum over 256 MiB", 0, () => weights.sum().Dispose(), 10));
            rows.Add(Measure("READ torch GEMV over 256 MiB", 0, () => nn.functional.linear(vector, weights).Dispose(), 10));
            rows.Add(Measure("READ C# GEMV over 256 MiB", 0, () => _ = ManagedGemv(weights, vector), 10));
            Console.WriteLine($"256 MiB = {bytes / 1e9:F3} GB");
            foreach (var (chunkRows, chunkColumns) in new[] { (2048L, 512L), (512L, 1024L), (512L, 512L), (8192L, 512L) })
            {
                var flat = weights.reshape(-1);
                var chunkElements = chunkRows * chunkColumns;
                var chunkCount = flat.shape[0] / chunkElements;
                var order = Enumerable.Range(0, (int)chunkCount).OrderBy(index => (index * 7919) % chunkCount).ToArray();
                var chunks = order.Select(index => flat.narrow(0, index * chunkElements, chunkElements).view(chunkRows, chunkColumns)).ToArray();
                var input = randn(1, chunkColumns);
                var next = 0;
                rows.Add(Measure($"READ torch GEMV [{chunkRows},{chunkColumns}] rotating (µs per chunk; {chunkElements * 4 / 1e6:F1} MB)", 0, () => nn.functional.linear(input, chunks[next++ % chunks.Length]).Dispose(), 300));
                rows.Add(Measure($"READ C# GEMV [{chunkRows},{chunkColumns}] rotating", 0, () => _ = ManagedGemv(chunks[next++ % chunks.Length], input), 300));
                var vectorInput = input.reshape(-1);
                rows.Add(Measure($"READ torch mv [{chunkRows},{chunkColumns}] rotating", 0, () => chunks[next++ % chunks.Length].mv(vectorInput).Dispose(), 300));
                rows.Add(Measure($"READ torch matmul(W, x column) [{chunkRows},{chunkColumns}] rotating", 0, () => chunks[next++ % chunks.Length].matmul(vectorInput.unsqueeze(1)).Dispose(), 300));
                var check = ManagedGemv(chunks[3], input);
                var reference = nn.functional.linear(input, chunks[3]).reshape(-1).data<float>().ToArray();
                Console.WriteLine($"C# GEMV max abs diff vs torch: {check.Zip(reference, (a, b) => Math.Abs(a - b)).Max()}");
            }
        }
        Console.WriteLine($"| part of a batch-1 decode step (threads {get_num_threads()}) | per call, best (µs) | per call, median (µs) | tensors created per call | calls per step | per step, median (ms) |");
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

    private static unsafe float[] ManagedGemv(Tensor weights, Tensor vector)
    {
        var rows = (int)weights.shape[0];
        var columns = (int)weights.shape[1];
        var x = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(vector.bytes);
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weights.bytes);
        var output = new float[rows];
        fixed (float* xp = x)
        fixed (float* wp = w)
        {
            for (var row = 0; row < rows; row++)
            {
                var r = wp + ((long)row * columns);
                var a0 = System.Runtime.Intrinsics.Vector256<float>.Zero;
                var a1 = a0; var a2 = a0; var a3 = a0;
                for (var c = 0; c < columns; c += 32)
                {
                    a0 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(System.Runtime.Intrinsics.Vector256.Load(r + c), System.Runtime.Intrinsics.Vector256.Load(xp + c), a0);
                    a1 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(System.Runtime.Intrinsics.Vector256.Load(r + c + 8), System.Runtime.Intrinsics.Vector256.Load(xp + c + 8), a1);
                    a2 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(System.Runtime.Intrinsics.Vector256.Load(r + c + 16), System.Runtime.Intrinsics.Vector256.Load(xp + c + 16), a2);
                    a3 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(System.Runtime.Intrinsics.Vector256.Load(r + c + 24), System.Runtime.Intrinsics.Vector256.Load(xp + c + 24), a3);
                }
                output[row] = System.Runtime.Intrinsics.Vector256.Sum((a0 + a1) + (a2 + a3));
            }
        }
        return output;
    }

    private Row Measure(string name, int callsPerStep, Action call, int calls = 0)
    {
        for (var warm = 0; warm < 3; warm++)
        {
            call();
        }
        var statistics = DisposeScopeManager.Statistics.TensorStatistics;
        var createdBefore = statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
        call();
        var created = statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount - createdBefore;
        var times = new double[calls > 0 ? calls : _calls];
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
