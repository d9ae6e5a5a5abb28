using System.Text.Json;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Safetensors;
using AgentRouter.Inference.Generation;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>The engine against Hugging Face transformers' own outputs for the tiny Mixtral fixture.</summary>
public sealed class MixtralFixtureTests
{
    private const double LogitTolerance = 1e-4;

    [Theory]
    [InlineData("full_mixtral")]
    [InlineData("mixtral_classic")]
    public void FullForwardMatchesTransformersLogits(string checkpoint)
    {
        using var temporary = new TemporaryDirectory();
        using var model = ModelCheckpoint.Load(FixturePaths.AssembleCheckpoint(checkpoint, temporary));
        var reference = FixtureJson.Read("full_mixtral.json");
        var inputIds = reference.Longs("input_ids");

        using var inference = inference_mode();
        using var ids = tensor(inputIds, new long[] { 1, inputIds.Length });
        using var output = model.Forward(ids);

        var logits = output.Logits.reshape(-1).data<float>().ToArray();
        Assert.True(FixtureJson.MaxAbsDifference(logits, reference.Doubles("hf_logits")) < LogitTolerance);
    }

    [Fact]
    public void ShardedCheckpointGivesTheSameLogitsAsTheSingleFile()
    {
        using var temporary = new TemporaryDirectory();
        var single = FixturePaths.AssembleCheckpoint("full_mixtral", temporary);
        var sharded = temporary.Combine("sharded");
        Directory.CreateDirectory(sharded);
        File.Copy(Path.Combine(single, ModelCheckpoint.ConfigFileName), Path.Combine(sharded, ModelCheckpoint.ConfigFileName));
        var weightMap = new Dictionary<string, string>();
        using (var file = SafetensorsFile.Open(Path.Combine(single, CheckpointTensors.SingleFileName)))
        {
            var names = file.Tensors.Select(info => info.Name).Order(StringComparer.Ordinal).ToList();
            foreach (var (shard, part) in new[] { ("model-00001-of-00002.safetensors", names.Take(10)), ("model-00002-of-00002.safetensors", names.Skip(10)) })
            {
                var tensors = part.ToDictionary(name => name, file.ReadTensor);
                SafetensorsWriter.Write(Path.Combine(sharded, shard), tensors);
                foreach (var name in tensors.Keys)
                {
                    weightMap[name] = shard;
                }
                foreach (var tensor in tensors.Values)
                {
                    tensor.Dispose();
                }
            }
        }
        File.WriteAllText(Path.Combine(sharded, CheckpointTensors.IndexFileName), JsonSerializer.Serialize(new { metadata = new { }, weight_map = weightMap }));
        var ids = new[] { 22, 25, 29, 38, 36 };

        using var fromSingle = ModelCheckpoint.Load(single);
        using var fromShards = ModelCheckpoint.Load(sharded);

        Assert.Equal(LogitsCalculator.Compute(fromSingle, ids, allPositions: true).SelectMany(row => row),
            LogitsCalculator.Compute(fromShards, ids, allPositions: true).SelectMany(row => row));
    }
}
