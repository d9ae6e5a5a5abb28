using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// One weight matrix (and bias) of a decode step as the managed kernels read it: the float32 rows in place, or the int8
/// decode copy where <see cref="Int8DecodeWeights"/> holds one.
/// </summary>
internal readonly unsafe struct DecodeProjection
{
    private readonly float* _weight;
    private readonly float* _bias;
    private readonly Int8DecodeWeight? _int8;

    private DecodeProjection(float* weight, float* bias, Int8DecodeWeight? int8, int rows, int columns)
    {
        _weight = weight;
        _bias = bias;
        _int8 = int8;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>A CPU float32 contiguous [rows, columns] weight (and [rows] bias), or false.</summary>
    /// <param name="useInt8Copy">False for the expert router, which the module path always multiplies in float32.</param>
    public static bool TryCreate(Tensor weight, Tensor? bias, out DecodeProjection projection, bool useInt8Copy = true)
    {
        projection = default;
        if (!DecodeStepWeights.IsPlainFloat32(weight, 2) || (bias is not null && (!DecodeStepWeights.IsPlainFloat32(bias, 1) || bias.shape[0] != weight.shape[0])))
        {
            return false;
        }
        var int8 = useInt8Copy && Int8BlockMatrix.KernelSupported && Int8DecodeWeights.TryGet(weight, out var copy) ? copy : null;
        projection = new DecodeProjection(DecodeStepWeights.Floats(weight), bias is null ? null : DecodeStepWeights.Floats(bias), int8,
            (int)weight.shape[0], (int)weight.shape[1]);
        return true;
    }

    public static bool TryCreate(Linear linear, out DecodeProjection projection) => TryCreate(linear.weight!, linear.bias, out projection);

    /// <summary>Whether the weight is [<paramref name="rows"/>, <paramref name="columns"/>] (the kernels trust these sizes).</summary>
    public bool Is(long rows, long columns) => Rows == rows && Columns == columns;

    /// <summary>output[Rows] = W · input[Columns] (+ bias).</summary>
    public void Apply(float* input, float* output)
    {
        if (_int8 is not null)
        {
            Int8Gemv.Multiply(input, 1, _int8.Matrix, _int8.Activations, 0, Rows, _bias, output);
        }
        else
        {
            SmallBatchGemv.Multiply(input, 1, _weight, Rows, Columns, _bias, output);
        }
    }
}

/// <summary>The SwiGLU feed-forward of a dense layer or of the Qwen2-MoE shared expert.</summary>
internal readonly record struct DecodeMlp(DecodeProjection Gate, DecodeProjection Up, DecodeProjection Down)
{
    /// <summary>The three projections of <paramref name="mlp"/>, [intermediate, hidden] and [hidden, intermediate], or false.</summary>
    public static bool TryCreate(DenseMlp? mlp, long hidden, long intermediate, out DecodeMlp decodeMlp)
    {
        decodeMlp = default;
        if (mlp is null
            || !DecodeProjection.TryCreate(mlp.GateProjection, out var gate)
            || !DecodeProjection.TryCreate(mlp.UpProjection, out var up)
            || !DecodeProjection.TryCreate(mlp.DownProjection, out var down)
            || !gate.Is(intermediate, hidden) || !up.Is(intermediate, hidden) || !down.Is(hidden, intermediate))
        {
            return false;
        }
        decodeMlp = new DecodeMlp(gate, up, down);
        return true;
    }
}

/// <summary>Everything one decoder layer reads during a managed decode step.</summary>
internal sealed unsafe class DecodeLayerWeights
{
    public required nint InputNorm { get; init; }

    public required nint PostAttentionNorm { get; init; }

    public required DecodeProjection Query { get; init; }

    public required DecodeProjection Key { get; init; }

    public required DecodeProjection Value { get; init; }

    public required DecodeProjection Output { get; init; }

    /// <summary>q/k norm weights (per head or over the whole projection, as the config says); 0 without.</summary>
    public nint QueryNorm { get; init; }

    public nint KeyNorm { get; init; }

    /// <summary>Sparse layers: the float32 router [E, H], the fused experts, top-k and renormalisation.</summary>
    public SparseMoeBlock? Sparse { get; init; }

    public DecodeProjection Router { get; init; }

    public SmallBatchExpertMixer.ExpertWeights Experts { get; init; }

    /// <summary>The dense feed-forward of a dense layer, or the shared expert of a sparse one (with <see cref="SharedExpertGate"/>).</summary>
    public DecodeMlp? Mlp { get; init; }

    public DecodeProjection SharedExpertGate { get; init; }
}

/// <summary>
/// Collects a model's weights for <see cref="ManagedDecodeStep"/>: every matrix must be a CPU float32 contiguous tensor
/// (int8 decode copies are picked up where they exist); anything else (bf16, CUDA, an unexpected layout) returns null so
/// that the step runs through libtorch as before. Built once per step: modules may rebind their parameters between steps.
/// </summary>
internal static unsafe class DecodeStepWeights
{
    public static bool IsPlainFloat32(Tensor tensor, int dimensions) =>
        DecodeLinear.IsCpuFloat32(tensor) && tensor.dim() == dimensions && tensor.is_contiguous() && tensor.numel() > 0;

    public static float* Floats(Tensor contiguous) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(contiguous.bytes));

    public static DecodeLayerWeights[]? Collect(MoeForCausalLm model)
    {
        var config = model.Config;
        var layers = new DecodeLayerWeights[config.NumLayers];
        var index = 0;
        foreach (var layer in model.Body.LayerList)
        {
            var built = Collect(layer, config);
            if (built is null)
            {
                return null;
            }
            layers[index++] = built;
        }
        return layers;
    }

    private static DecodeLayerWeights? Collect(DecoderLayer layer, MoeModelConfig config)
    {
        var attention = layer.SelfAttention;
        if (!Norm(layer.InputNorm, config.HiddenSize, out var inputNorm) || !Norm(layer.PostAttentionNorm, config.HiddenSize, out var postNorm)
            || !DecodeProjection.TryCreate(attention.QueryProjection, out var query)
            || !DecodeProjection.TryCreate(attention.KeyProjection, out var key)
            || !DecodeProjection.TryCreate(attention.ValueProjection, out var value)
            || !DecodeProjection.TryCreate(attention.OutputProjection, out var output))
        {
            return null;
        }
        var (hidden, queryColumns, keyColumns) = (config.HiddenSize, (long)config.NumHeads * config.HeadDim, (long)config.NumKeyValueHeads * config.HeadDim);
        if (!query.Is(queryColumns, hidden) || !key.Is(keyColumns, hidden) || !value.Is(keyColumns, hidden) || !output.Is(hidden, queryColumns))
        {
            return null;
        }
        nint queryNorm = 0, keyNorm = 0;
        if (config.QueryKeyNorm != QueryKeyNorm.None)
        {
            var perHead = config.QueryKeyNorm == QueryKeyNorm.PerHead;
            var queryWidth = perHead ? config.HeadDim : (long)config.NumHeads * config.HeadDim;
            var keyWidth = perHead ? config.HeadDim : (long)config.NumKeyValueHeads * config.HeadDim;
            if (attention.QueryNorm is null || attention.KeyNorm is null
                || !Norm(attention.QueryNorm, queryWidth, out queryNorm) || !Norm(attention.KeyNorm, keyWidth, out keyNorm))
            {
                return null;
            }
        }
        if (layer.SparseMlp is { } sparse)
        {
            var experts = sparse.Experts;
            if (!ReferenceEquals(sparse.Dispatch, GroupedExpertDispatch.Instance)
                || !DecodeProjection.TryCreate(sparse.Router.weight!, sparse.Router.bias, out var router, useInt8Copy: false)
                || !IsPlainFloat32(experts.GateUpProjection, 3) || !IsPlainFloat32(experts.DownProjection, 3)
                || !router.Is(experts.NumExperts, hidden) || sparse.ExpertsPerToken > experts.NumExperts
                || experts.IntermediateSize != config.ExpertIntermediateSize
                || !experts.GateUpProjection.shape.SequenceEqual(new[] { experts.NumExperts, 2 * experts.IntermediateSize, hidden })
                || !experts.DownProjection.shape.SequenceEqual(new[] { experts.NumExperts, hidden, experts.IntermediateSize }))
            {
                return null;
            }
            DecodeMlp? shared = null;
            var sharedGate = default(DecodeProjection);
            if (sparse.SharedExpert is not null)
            {
                if (!DecodeMlp.TryCreate(sparse.SharedExpert, hidden, config.SharedExpertIntermediateSize, out var sharedMlp) || sparse.SharedExpertGate is null
                    || !DecodeProjection.TryCreate(sparse.SharedExpertGate, out sharedGate) || !sharedGate.Is(1, hidden))
                {
                    return null;
                }
                shared = sharedMlp;
            }
            return new DecodeLayerWeights
            {
                InputNorm = inputNorm, PostAttentionNorm = postNorm, Query = query, Key = key, Value = value, Output = output,
                QueryNorm = queryNorm, KeyNorm = keyNorm, Sparse = sparse, Router = router,
                Experts = new SmallBatchExpertMixer.ExpertWeights(experts, (byte*)Floats(experts.GateUpProjection), (byte*)Floats(experts.DownProjection), false),
                Mlp = shared, SharedExpertGate = sharedGate,
            };
        }
        if (!DecodeMlp.TryCreate(layer.DenseMlp, hidden, config.DenseIntermediateSize, out var dense))
        {
            return null;
        }
        return new DecodeLayerWeights
        {
            InputNorm = inputNorm, PostAttentionNorm = postNorm, Query = query, Key = key, Value = value, Output = output,
            QueryNorm = queryNorm, KeyNorm = keyNorm, Mlp = dense,
        };
    }

    public static bool Norm(RmsNorm norm, long width, out nint weight)
    {
        var parameter = norm.Weight;
        weight = 0;
        if (!IsPlainFloat32(parameter, 1) || parameter.shape[0] != width)
        {
            return false;
        }
        weight = (nint)Floats(parameter);
        return true;
    }
}
