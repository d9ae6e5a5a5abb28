using System.Runtime.CompilerServices;
using AgentRouter.Inference.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>What <see cref="Int8DecodeWeights.Quantize"/> did: how many matrices and how many bytes they now read.</summary>
public sealed record Int8QuantizationSummary(int Matrices, long Float32Bytes, long Int8Bytes, int SkippedMatrices);

/// <summary>How the int8 decode kernels treat the activations a quantised weight is multiplied with.</summary>
public enum Int8Activations
{
    /// <summary>Weight-only: int8 weights widened to float32 in registers, multiplied with float32 activations.</summary>
    Float32,

    /// <summary>Each activation row quantised once per product to the same 32-value int8 blocks, every block pair an
    /// integer dot product (AVX-VNNI / AVX-512 VNNI): llama.cpp's q8_0 × q8_0 arithmetic.</summary>
    Int8,
}

/// <summary>The int8 decode copy of one weight and how its products treat the activations.</summary>
public sealed record Int8DecodeWeight(Int8BlockMatrix Matrix, Int8Activations Activations);

/// <summary>
/// Weight-only int8 for decoding: a model's projection, MLP, expert and output matrices get an
/// <see cref="Int8BlockMatrix"/> copy, and the managed decode kernels (<see cref="DecodeLinear"/>,
/// <see cref="SmallBatchExpertMixer"/>) read that copy instead of the float32 weights whenever one exists. The float32
/// weights stay for prefill, training and every non-decode path (libtorch), so only decode steps change. The copies are
/// keyed by the weight tensor object and disappear with it. Expert routers stay float32 (routing is the
/// precision-critical choice, and they are tiny), as do norms and embeddings.
/// </summary>
public static class Int8DecodeWeights
{
    private static readonly ConditionalWeakTable<Tensor, Int8DecodeWeight> Copies = new();

    public static bool TryGet(Tensor weight, out Int8DecodeWeight copy) => Copies.TryGetValue(weight, out copy!);

    /// <summary>Quantises every eligible matrix of <paramref name="model"/> (float32 CPU weights whose rows are whole
    /// 32-value blocks); idempotent. Quantising again with other <paramref name="activations"/> keeps the int8 blocks and
    /// switches only how the decode products treat the activations. The default is <see cref="Int8Activations.Int8"/>,
    /// llama.cpp's q8_0 arithmetic: measured 1.1–1.4× the weight-only decode on the <c>bench moe</c> model with the same
    /// accuracy as llama.cpp's own q8_0 (docs/benchmarks/llamacpp.md); <see cref="Int8Activations.Float32"/> is the more
    /// accurate, slower choice.</summary>
    public static Int8QuantizationSummary Quantize(MoeForCausalLm model, Int8Activations activations = Int8Activations.Int8)
    {
        ArgumentNullException.ThrowIfNull(model);
        var matrices = 0;
        var skipped = 0;
        long float32Bytes = 0, int8Bytes = 0;
        void Add(Tensor weight, long rows, long columns)
        {
            if (!DecodeLinear.IsCpuFloat32(weight) || !weight.is_contiguous() || !Int8BlockMatrix.CanQuantize(columns) || rows * columns > int.MaxValue)
            {
                skipped++;
                return;
            }
            var matrix = Copies.TryGetValue(weight, out var existing)
                ? existing.Matrix
                : Int8BlockMatrix.Quantize(DecodeLinear.Floats(weight), (int)rows, (int)columns);
            if (existing?.Activations != activations)
            {
                Copies.AddOrUpdate(weight, new Int8DecodeWeight(matrix, activations));
            }
            matrices++;
            float32Bytes += rows * columns * sizeof(float);
            int8Bytes += matrix.ByteCount;
        }

        using var noGrad = no_grad();
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear when !IsRouter(name):
                    Add(linear.weight!, linear.weight!.shape[0], linear.weight!.shape[1]);
                    break;
                case FusedExperts experts:
                    var gateUp = experts.GateUpProjection;
                    var down = experts.DownProjection;
                    Add(gateUp, gateUp.shape[0] * gateUp.shape[1], gateUp.shape[2]);
                    Add(down, down.shape[0] * down.shape[1], down.shape[2]);
                    break;
            }
        }
        if (model.Config.TieWordEmbeddings)
        {
            var embedding = model.named_parameters().First(pair => pair.name == "model.embed_tokens.weight").parameter;
            Add(embedding, embedding.shape[0], embedding.shape[1]);
        }
        return new Int8QuantizationSummary(matrices, float32Bytes, int8Bytes, skipped);
    }

    /// <summary>The expert router (<c>mlp.gate</c>) and the shared expert's gate decide routing: kept float32.</summary>
    private static bool IsRouter(string name) => name.EndsWith(".mlp.gate", StringComparison.Ordinal) || name.EndsWith("shared_expert_gate", StringComparison.Ordinal);
}
