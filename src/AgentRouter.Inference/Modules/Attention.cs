using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// Grouped-query self-attention with rotate-half RoPE, optional q/k/v biases, the Qwen3 per-head and
/// OLMoE whole-projection q/k RMSNorm, and OLMoE's clip_qkv.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly MoeModelConfig _config;
    private readonly Linear _queryProjection;
    private readonly Linear _keyProjection;
    private readonly Linear _valueProjection;
    private readonly Linear _outputProjection;
    private readonly RmsNorm? _queryNorm;
    private readonly RmsNorm? _keyNorm;

    public Attention(MoeModelConfig config, ParameterPlacement? placement = null) : base(nameof(Attention))
    {
        placement ??= ParameterPlacement.Default;
        _config = config;
        var queryWidth = (long)config.NumHeads * config.HeadDim;
        var keyValueWidth = (long)config.NumKeyValueHeads * config.HeadDim;
        _queryProjection = nn.Linear(config.HiddenSize, queryWidth, hasBias: config.QkvBias, placement.Device, placement.DType);
        _keyProjection = nn.Linear(config.HiddenSize, keyValueWidth, hasBias: config.QkvBias, placement.Device, placement.DType);
        _valueProjection = nn.Linear(config.HiddenSize, keyValueWidth, hasBias: config.QkvBias, placement.Device, placement.DType);
        _outputProjection = nn.Linear(queryWidth, config.HiddenSize, hasBias: config.OutputProjectionBias, placement.Device, placement.DType);
        register_module("q_proj", _queryProjection);
        register_module("k_proj", _keyProjection);
        register_module("v_proj", _valueProjection);
        register_module("o_proj", _outputProjection);
        switch (config.QueryKeyNorm)
        {
            case QueryKeyNorm.PerHead:
                _queryNorm = new RmsNorm(config.HeadDim, config.RmsNormEps, placement);
                _keyNorm = new RmsNorm(config.HeadDim, config.RmsNormEps, placement);
                break;
            case QueryKeyNorm.WholeProjection:
                _queryNorm = new RmsNorm(queryWidth, config.RmsNormEps, placement);
                _keyNorm = new RmsNorm(keyValueWidth, config.RmsNormEps, placement);
                break;
        }
        if (_queryNorm is not null && _keyNorm is not null)
        {
            register_module("q_norm", _queryNorm);
            register_module("k_norm", _keyNorm);
        }
    }

    internal MoeModelConfig Config => _config;

    internal Linear QueryProjection => _queryProjection;

    internal Linear KeyProjection => _keyProjection;

    internal Linear ValueProjection => _valueProjection;

    internal Linear OutputProjection => _outputProjection;

    internal RmsNorm? QueryNorm => _queryNorm;

    internal RmsNorm? KeyNorm => _keyNorm;

    /// <param name="hidden">[B, T, H].</param>
    /// <param name="cos">[B, 1, T, D] from <see cref="RotaryTable.Gather"/>.</param>
    /// <param name="sin">[B, 1, T, D], the signed sin of <see cref="RotaryTable.Gather"/>.</param>
    /// <param name="additiveMask">[B, 1, T, S] with 0 where attention is allowed and -inf elsewhere; null when every key is visible.</param>
    /// <param name="cache">When given, this step's keys/values are appended and attention covers all cached positions.</param>
    /// <param name="adapter">This layer's LoRA updates for this forward call; null runs the base projections alone.</param>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? additiveMask, IKvCache? cache, int layerIndex, LoraLayerAdapter? adapter = null)
    {
        using var scope = NewDisposeScope();
        var (batch, steps) = (hidden.shape[0], hidden.shape[1]);
        cache?.ObserveAttentionInput(layerIndex, hidden);
        var queries = LoraProjection.Apply(_queryProjection, hidden, adapter?.Query);
        var keys = LoraProjection.Apply(_keyProjection, hidden, adapter?.Key);
        var values = LoraProjection.Apply(_valueProjection, hidden, adapter?.Value);
        if (_config.QueryKeyNorm == QueryKeyNorm.WholeProjection)
        {
            queries = _queryNorm!.forward(queries);
            keys = _keyNorm!.forward(keys);
        }
        if (_config.ClipQkv is { } clip)
        {
            queries = queries.clamp(-clip, clip);
            keys = keys.clamp(-clip, clip);
            values = values.clamp(-clip, clip);
        }
        queries = queries.view(batch, steps, _config.NumHeads, _config.HeadDim);
        keys = keys.view(batch, steps, _config.NumKeyValueHeads, _config.HeadDim);
        values = values.view(batch, steps, _config.NumKeyValueHeads, _config.HeadDim).transpose(1, 2);
        if (_config.QueryKeyNorm == QueryKeyNorm.PerHead)
        {
            queries = _queryNorm!.forward(queries);
            keys = _keyNorm!.forward(keys);
        }
        if (DecodeAttention.Applies(hidden, cos, additiveMask, cache))
        {
            // One token of one sequence: RoPE, scores, softmax and the value sum in managed loops (Kernels/DecodeAttention).
            var rotatedQueries = DecodeAttention.Rotate(queries, cos, sin, _config.NumHeads, _config.HeadDim);
            var rotatedKeys = DecodeAttention.Rotate(keys, cos, sin, _config.NumKeyValueHeads, _config.HeadDim);
            var (allKeys, allValues) = cache!.Append(layerIndex, rotatedKeys, values);
            var attendedStep = DecodeAttention.Attend(rotatedQueries, allKeys, allValues, _config.NumHeads, _config.NumKeyValueHeads, _config.HeadDim);
            return LoraProjection.Apply(_outputProjection, attendedStep, adapter?.Output).MoveToOuterDisposeScope();
        }
        queries = RotaryTable.Apply(queries.transpose(1, 2), cos, sin);
        keys = RotaryTable.Apply(keys.transpose(1, 2), cos, sin);
        if (cache is not null)
        {
            (keys, values) = cache.Append(layerIndex, keys, values);
        }
        // Grouped-query attention without copying K/V per query head: the query heads that share a KV
        // head are stacked along the time axis, so one matmul serves the whole group.
        var groups = _config.NumHeads / _config.NumKeyValueHeads;
        var keyLength = keys.shape[2];
        var groupedQueries = queries.reshape(batch, _config.NumKeyValueHeads, groups * steps, _config.HeadDim);
        var scores = matmul(groupedQueries, keys.transpose(2, 3)) * (1.0 / Math.Sqrt(_config.HeadDim));
        if (additiveMask is not null)
        {
            var groupedMask = groups == 1
                ? additiveMask
                : additiveMask.unsqueeze(2).expand(batch, 1, groups, steps, keyLength).reshape(batch, 1, groups * steps, keyLength);
            scores = scores + groupedMask;
        }
        // Written out rather than scaled_dot_product_attention: libtorch 2.10's fused CPU kernel was far
        // slower at decode shapes on the 2-core machine (see docs/benchmarks/moe-inference.md).
        var attended = matmul(scores.softmax(-1, ScalarType.Float32).to(values.dtype), values)
            .view(batch, _config.NumHeads, steps, _config.HeadDim);
        var merged = attended.transpose(1, 2).reshape(batch, steps, (long)_config.NumHeads * _config.HeadDim);
        return LoraProjection.Apply(_outputProjection, merged, adapter?.Output).MoveToOuterDisposeScope();
    }
}
