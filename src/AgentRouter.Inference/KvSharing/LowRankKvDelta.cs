using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// The adapter part of a LoRA agent's keys and values, rebuilt from the rank-r activations U = x·Aᵀ it keeps per agent:
/// ΔV = s·U·B_vᵀ, and ΔK = RoPE(s·U·B_kᵀ). RoPE is linear, so K = RoPE(W_k x + s·B_k A_k x) = K_base + ΔK; but the rotation
/// depends on the key's position and sits between B_k and the query, so q·ΔKᵀ does not factor into (q·B_k)·Uᵀ and the key
/// part is expanded for the step (a transient; what is held is U).
/// </summary>
public static class LowRankKvDelta
{
    /// <summary>Throws <see cref="LowRankSharingException"/> when K/V are not linear in x, which the decomposition needs.</summary>
    public static void EnsureSupported(MoeModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.QueryKeyNorm != QueryKeyNorm.None)
        {
            throw new LowRankSharingException("config.json: q/k RMSNorm (qwen3_moe, olmoe) makes keys non-linear in the adapter update; use exact KV sharing for these agents");
        }
        if (config.ClipQkv is not null)
        {
            throw new LowRankSharingException("config.json: clip_qkv makes keys and values non-linear in the adapter update; use exact KV sharing for these agents");
        }
    }

    /// <summary>ΔK [1, kvHeads, n, D] for positions whose rotary tables are <paramref name="cos"/>/<paramref name="sin"/> [1, 1, n, D].</summary>
    public static Tensor Keys(MoeModelConfig config, LoraProjection keyAdapter, Tensor lowRank, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(keyAdapter);
        var heads = ToHeads(config, keyAdapter.Expand(lowRank));
        return RotaryTable.Apply(heads, cos, sin);
    }

    /// <summary>ΔV [1, kvHeads, n, D].</summary>
    public static Tensor Values(MoeModelConfig config, LoraProjection valueAdapter, Tensor lowRank)
    {
        ArgumentNullException.ThrowIfNull(valueAdapter);
        return ToHeads(config, valueAdapter.Expand(lowRank));
    }

    private static Tensor ToHeads(MoeModelConfig config, Tensor flat) =>
        flat.view(flat.shape[0], flat.shape[1], config.NumKeyValueHeads, config.HeadDim).transpose(1, 2);
}
