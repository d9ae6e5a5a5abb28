using AgentRouter.Inference.Modules;
using TorchSharp.Modules;
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

    /// <summary>
    /// Binds every parameter of <paramref name="model"/> (built with <see cref="ParameterPlacement.Meta"/>) to its checkpoint
    /// tensor in <paramref name="dtype"/> on <paramref name="device"/>; returns the checkpoint names consumed. With
    /// <paramref name="mapWeights"/> a tensor already stored in that dtype and bound to the CPU is a view of the memory-mapped
    /// file (no copy: its pages are the file's, shared with the page cache); every other tensor is read and converted one at a
    /// time, so the whole model never exists in a second dtype.
    /// </summary>
    public static HashSet<string> Bind(MoeForCausalLm model, CheckpointTensors tensors, ScalarType dtype, Device device, bool mapWeights)
    {
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var owners = model.named_modules().ToDictionary(pair => pair.name, pair => pair.module, StringComparer.Ordinal);
        owners[""] = model;
        var mapToCpu = mapWeights && device.type == TorchSharp.DeviceType.CPU;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters().ToList())
        {
            var expected = parameter.shape;
            Tensor value;
            if (mapToCpu && tensors.TryMap(name, dtype, out var mapped))
            {
                consumed.Add(name);
                value = mapped;
            }
            else
            {
                using var scope = NewDisposeScope();
                value = Resolve(name, tensors, consumed).to(dtype, device).DetachFromDisposeScope();
            }
            if (!value.shape.SequenceEqual(expected))
            {
                var found = value.shape;
                value.Dispose();
                throw new CheckpointException(tensors.FileOf(name), name,
                    $"shape [{string.Join(", ", found)}] in the checkpoint, but config.json implies [{string.Join(", ", expected)}]");
            }
            if (!AllFinite(value))
            {
                value.Dispose();
                throw new CheckpointException(tensors.FileOf(name), name, NonFiniteProblem);
            }
            Replace(owners, name, new Parameter(value, requires_grad: !mapToCpu));
        }
        return consumed;
    }

    /// <summary>Copies every parameter of an already allocated <paramref name="module"/> (e.g. one block) from the checkpoint;
    /// returns the checkpoint names consumed.</summary>
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
            if (!AllFinite(source))
            {
                throw new CheckpointException(tensors.FileOf(name), name, NonFiniteProblem);
            }
            parameter.copy_(source.to(parameter.dtype));
        }
        return consumed;
    }

    private const string NonFiniteProblem = "holds NaN or infinite values; refusing to load weights that cannot produce an answer";

    private static bool AllFinite(Tensor value) => FiniteValues.All(value);

    private static void Replace(Dictionary<string, nn.Module> owners, string name, Parameter value)
    {
        var split = name.LastIndexOf('.');
        var owner = owners[split < 0 ? "" : name[..split]];
        var local = name[(split + 1)..];
        switch (owner, local)
        {
            case (TorchSharp.Modules.Linear linear, "weight"):
                linear.weight = value;
                break;
            case (TorchSharp.Modules.Linear linear, "bias"):
                linear.bias = value;
                break;
            case (TorchSharp.Modules.Embedding embedding, "weight"):
                embedding.weight = value;
                break;
            case (IRebindableParameters rebindable, _):
                rebindable.Rebind(local, value);
                break;
            default:
                value.Dispose();
                throw new InvalidOperationException($"parameter '{name}' belongs to a {owner.GetType().Name}, which cannot rebind it");
        }
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
