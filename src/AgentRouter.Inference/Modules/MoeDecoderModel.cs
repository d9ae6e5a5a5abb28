using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>The transformer body (<c>model.*</c>): embeddings, decoder layers, final norm.</summary>
public sealed class MoeDecoderModel : nn.Module
{
    private readonly MoeModelConfig _config;
    private readonly Embedding _embedTokens;
    private readonly ModuleList<DecoderLayer> _layers;
    private readonly RmsNorm _norm;
    private readonly RotaryTable _rotary;

    public MoeDecoderModel(MoeModelConfig config, ParameterPlacement? placement = null) : base(nameof(MoeDecoderModel))
    {
        placement ??= ParameterPlacement.Default;
        _config = config;
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: placement.Device, dtype: placement.DType);
        _layers = new ModuleList<DecoderLayer>(Enumerable.Range(0, config.NumLayers).Select(layer => new DecoderLayer(config, layer, placement)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, placement);
        _rotary = new RotaryTable(config.HeadDim, config.RopeTheta);
        register_module("embed_tokens", _embedTokens);
        register_module("layers", _layers);
        register_module("norm", _norm);
    }

    public Embedding EmbedTokens => _embedTokens;

    public IReadOnlyList<DecoderLayer> Layers => _layers.ToList();

    internal ModuleList<DecoderLayer> LayerList => _layers;

    internal RmsNorm FinalNorm => _norm;

    internal RotaryTable Rotary => _rotary;

    /// <summary>Hidden states after the final norm [B, T, H] and the router logits of the sparse layers.</summary>
    /// <param name="adapter">The LoRA adapter to apply on top of the shared base weights for this call, or null.</param>
    public (Tensor Hidden, List<Tensor> RouterLogits) Forward(Tensor inputIds, Tensor? attentionMask, IKvCache? cache, LoraAdapter? adapter = null)
    {
        using var scope = NewDisposeScope();
        var (batch, steps) = (inputIds.shape[0], inputIds.shape[1]);
        cache?.EnsureRoom(steps);
        var start = cache?.Length ?? 0;
        var isToken = attentionMask is null
            ? ones(new long[] { batch, steps }, ScalarType.Bool, inputIds.device)
            : attentionMask.to(ScalarType.Bool);
        var keyIsToken = cache is null ? isToken : cache.RecordTokenMask(isToken);

        // A token's position counts only the real tokens before it, so left padding does not shift RoPE.
        var positions = keyIsToken.to(ScalarType.Int64).cumsum(1).narrow(1, start, steps).sub(1).clamp_min(0);
        var (cos, sin) = _rotary.Gather(positions, ScalarType.Float32);
        var hidden = _embedTokens.forward(inputIds);
        cos = cos.to(hidden.dtype);
        sin = sin.to(hidden.dtype);
        var mask = BuildMask(keyIsToken, start, steps, hidden.dtype, attentionMask is not null || (cache?.HasPadding ?? false));

        var routerLogits = new List<Tensor>();
        foreach (var layer in _layers)
        {
            var (next, layerRouterLogits) = layer.Forward(hidden, cos, sin, mask, cache, adapter);
            hidden = next;
            if (layerRouterLogits is not null)
            {
                routerLogits.Add(layerRouterLogits.MoveToOuterDisposeScope());
            }
        }
        cache?.Advance(steps);
        return (_norm.forward(hidden).MoveToOuterDisposeScope(), routerLogits);
    }

    /// <summary>Additive mask [B, 1, T, S]: causal, sliding window, padding; null when every key is visible.</summary>
    private Tensor? BuildMask(Tensor keyIsToken, long start, long steps, ScalarType dtype, bool mayHavePadding)
    {
        var total = start + steps;
        var windowLimits = _config.SlidingWindow is { } window && total > window;
        var hasPadding = mayHavePadding && !keyIsToken.all().item<bool>();
        if (steps == 1 && !windowLimits && !hasPadding)
        {
            return null;
        }
        var device = keyIsToken.device;
        var queryIndex = arange(start, total, 1, ScalarType.Int64, device).unsqueeze(1);
        var keyIndex = arange(0, total, 1, ScalarType.Int64, device).unsqueeze(0);
        var allowed = keyIndex.le(queryIndex);
        if (windowLimits)
        {
            allowed = allowed.logical_and(keyIndex.gt(queryIndex - _config.SlidingWindow!.Value));
        }
        var batched = allowed.unsqueeze(0).unsqueeze(0).logical_and(keyIsToken.unsqueeze(1).unsqueeze(1));
        // Padding queries would otherwise see no key at all; letting every query see itself keeps softmax finite.
        batched = batched.logical_or(keyIndex.eq(queryIndex).unsqueeze(0).unsqueeze(0));
        return zeros(batched.shape, dtype, device).masked_fill(batched.logical_not(), float.NegativeInfinity);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rotary.Dispose();
        }
        base.Dispose(disposing);
    }
}
