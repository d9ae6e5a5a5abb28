using System.Text.Json;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// Writes a random-weight checkpoint of any config shard by shard, never holding more than one shard's tensors: the
/// model is built on the meta device for its parameter names and shapes, each shard's tensors are filled in the target
/// dtype (norms at 1; every other tensor tiles one seeded block of 2^22 N(0, std²) values from its own random offset:
/// drawing 6.9 B normals would take longer than writing them, and a load or decode measurement needs no more randomness),
/// written with <see cref="SafetensorsWriter"/> and freed, and
/// <c>model.safetensors.index.json</c> lists them. This is how checkpoints at real dimensions (OLMoE-1B-7B: 6.9 B
/// parameters, 13.8 GB in bf16) are made on a machine that could not hold them twice.
/// </summary>
public static class RandomCheckpointWriter
{
    /// <param name="progress">Called after each shard with (bytes written so far, total bytes).</param>
    /// <returns>The total bytes of tensor data written.</returns>
    public static long Write(MoeModelConfig config, string directory, ScalarType dtype, long seed, long maxShardBytes = 1L << 30,
        double standardDeviation = 0.02, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        Directory.CreateDirectory(directory);
        var elementSize = SafetensorsDTypeExtensions.FromScalarType(dtype, "parameters").ElementSize();
        List<(string Name, long[] Shape)> parameters;
        using (var shapes = new MoeForCausalLm(config, ParameterPlacement.Meta(dtype)))
        {
            parameters = shapes.named_parameters().Select(pair => (pair.name, pair.parameter.shape)).ToList();
        }
        var shards = new List<List<(string Name, long[] Shape)>>();
        long shardBytes = 0;
        foreach (var parameter in parameters)
        {
            var bytes = parameter.Shape.Aggregate(1L, (product, dimension) => product * dimension) * elementSize;
            if (shards.Count == 0 || (shardBytes + bytes > maxShardBytes && shardBytes > 0))
            {
                shards.Add([]);
                shardBytes = 0;
            }
            shards[^1].Add(parameter);
            shardBytes += bytes;
        }

        var total = parameters.Sum(parameter => parameter.Shape.Aggregate(1L, (product, dimension) => product * dimension) * elementSize);
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var generator = new Generator((ulong)seed);
        const long blockLength = 1L << 22;
        using var block = empty(blockLength, dtype).normal_(0.0, standardDeviation, generator);
        var offsets = new Random((int)seed);
        long written = 0;
        for (var index = 0; index < shards.Count; index++)
        {
            var file = $"model-{index + 1:00000}-of-{shards.Count:00000}.safetensors";
            var tensors = new List<KeyValuePair<string, Tensor>>();
            try
            {
                using (no_grad())
                {
                    foreach (var (name, shape) in shards[index])
                    {
                        var tensor = name.EndsWith("norm.weight", StringComparison.Ordinal)
                            ? ones(shape, dtype)
                            : Tiled(block, shape, dtype, offsets.NextInt64(blockLength));
                        tensors.Add(new(name, tensor));
                        weightMap[name] = file;
                        written += tensor.numel() * elementSize;
                    }
                }
                SafetensorsWriter.Write(Path.Combine(directory, file), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            }
            finally
            {
                tensors.ForEach(pair => pair.Value.Dispose());
            }
            progress?.Invoke(written, total);
        }
        WriteIndex(directory, total, weightMap);
        File.WriteAllText(Path.Combine(directory, ModelCheckpoint.ConfigFileName), config.ToJson());
        return total;
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="block"/> repeated, starting at <paramref name="offset"/>.</summary>
    private static Tensor Tiled(Tensor block, long[] shape, ScalarType dtype, long offset)
    {
        var tensor = empty(shape, dtype);
        using var flat = tensor.view(-1);
        var length = flat.shape[0];
        var blockLength = block.shape[0];
        for (long start = 0; start < length;)
        {
            var from = (offset + start) % blockLength;
            var count = Math.Min(length - start, blockLength - from);
            using var target = flat.narrow(0, start, count);
            using var source = block.narrow(0, from, count);
            target.copy_(source);
            start += count;
        }
        return tensor;
    }

    private static void WriteIndex(string directory, long total, SortedDictionary<string, string> weightMap)
    {
        File.WriteAllText(Path.Combine(directory, CheckpointTensors.IndexFileName), JsonSerializer.Serialize(new
        {
            metadata = new { total_size = total },
            weight_map = weightMap,
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
