using System.Text.Json;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// Writes a random-weight checkpoint of any config shard by shard, never holding more than one shard's tensors: the
/// model is built on the meta device for its parameter names and shapes, each shard's tensors are drawn (N(0, std²),
/// norms at 1) straight into the target dtype, written with <see cref="SafetensorsWriter"/> and freed, and
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
                            : empty(shape, dtype).normal_(0.0, standardDeviation, generator);
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
        File.WriteAllText(Path.Combine(directory, CheckpointTensors.IndexFileName), JsonSerializer.Serialize(new
        {
            metadata = new { total_size = total },
            weight_map = weightMap,
        }, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(directory, ModelCheckpoint.ConfigFileName), config.ToJson());
        return total;
    }
}
