using static TorchSharp.torch;

namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// Fills a module's parameters from checkpoint tensors by their Hugging Face names, accepting both
/// expert layouts: fused <c>mlp.experts.gate_up_proj / down_proj</c> and the per-expert
/// <c>block_sparse_moe.experts.{e}.w1/w2/w3</c> (Mixtral) or <c>mlp.experts.{e}.gate_proj/up_proj/down_proj</c>
/// (Qwen, OLMoE), plus the router spelled <c>gate</c>, <c>router</c> or <c>block_sparse_moe.gate</c>.
/// </summary>
public static class ParameterLoader
{
    private const string FusedGateUp = ".experts.gate_up_proj";
    private const string FusedDown = ".experts.down_proj";
    private const string RouterWeight = ".gate.weight";

    /// <summary>Loads every parameter of <paramref name="module"/>; returns the checkpoint names consumed.</summary>
    public static HashSet<string> Load(nn.Module module, string prefix, CheckpointTensors tensors)
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (localName, parameter) in module.named_parameters())
        {
            var name = prefix + localName;
            using var scope = NewDisposeScope();
            var source = Resolve(name, tensors, consumed);
            if (!source.shape.SequenceEqual(parameter.shape))
            {
                throw new CheckpointException(tensors.FileOf(name), name,
                    $"shape [{string.Join(", ", source.shape)}] in the checkpoint, but config.json implies [{string.Join(", ", parameter.shape)}]");
            }
            if (!source.isfinite().all().item<bool>())
            {
                throw new CheckpointException(tensors.FileOf(name), name, "holds NaN or infinite values; refusing to load weights that cannot produce an answer");
            }
            parameter.copy_(source.to(parameter.dtype));
        }
        return consumed;
    }

    private static Tensor Resolve(string name, CheckpointTensors tensors, HashSet<string> consumed)
    {
        if (tensors.Contains(name))
        {
            consumed.Add(name);
            return tensors.Read(name);
        }
        if (name.EndsWith(FusedGateUp, StringComparison.Ordinal))
        {
            var block = name[..^FusedGateUp.Length];
            return StackExperts(name, block, tensors, consumed, ("w1", "w3"), ("gate_proj", "up_proj"));
        }
        if (name.EndsWith(FusedDown, StringComparison.Ordinal))
        {
            var block = name[..^FusedDown.Length];
            return StackExperts(name, block, tensors, consumed, ("w2", null), ("down_proj", null));
        }
        if (name.EndsWith(RouterWeight, StringComparison.Ordinal))
        {
            var block = name[..^RouterWeight.Length];
            foreach (var alternative in new[] { ClassicBlock(block) + RouterWeight, block + ".router.weight" })
            {
                if (tensors.Contains(alternative))
                {
                    consumed.Add(alternative);
                    return tensors.Read(alternative);
                }
            }
        }
        throw new CheckpointException(tensors.Directory, name, "missing from the checkpoint");
    }

    /// <summary>Builds a fused [E, ...] tensor from per-expert weights, concatenating gate and up along rows.</summary>
    private static Tensor StackExperts(string fusedName, string block, CheckpointTensors tensors, HashSet<string> consumed,
        (string First, string? Second) mixtralNames, (string First, string? Second) qwenNames)
    {
        foreach (var (expertsPrefix, names) in new[] { (ClassicBlock(block) + ".experts.", mixtralNames), (block + ".experts.", qwenNames) })
        {
            if (!tensors.Contains($"{expertsPrefix}0.{names.First}.weight"))
            {
                continue;
            }
            var experts = new List<Tensor>();
            for (var expert = 0; tensors.Contains($"{expertsPrefix}{expert}.{names.First}.weight"); expert++)
            {
                var parts = new List<Tensor>();
                foreach (var part in new[] { names.First, names.Second })
                {
                    if (part is null)
                    {
                        continue;
                    }
                    var partName = $"{expertsPrefix}{expert}.{part}.weight";
                    if (!tensors.Contains(partName))
                    {
                        throw new CheckpointException(tensors.Directory, partName, $"missing (needed to build '{fusedName}')");
                    }
                    consumed.Add(partName);
                    parts.Add(tensors.Read(partName));
                }
                experts.Add(parts.Count == 1 ? parts[0] : cat(parts, 0));
            }
            return stack(experts);
        }
        throw new CheckpointException(tensors.Directory, fusedName, "missing from the checkpoint (no fused or per-expert weights found)");
    }

    /// <summary><c>model.layers.3.mlp</c> → <c>model.layers.3.block_sparse_moe</c>, the classic Mixtral block name.</summary>
    private static string ClassicBlock(string block) =>
        block.EndsWith(".mlp", StringComparison.Ordinal) ? block[..^".mlp".Length] + ".block_sparse_moe" : block;
}
