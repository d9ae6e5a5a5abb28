using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Checkpoints;

public sealed class RandomCheckpointWriterTests
{
    [Fact]
    public void Writes_bounded_shards_and_an_index_that_load_mapped_in_bf16()
    {
        using var temporary = new TemporaryDirectory();
        var config = TinyConfigs.For(ModelArchitecture.Olmoe);
        var total = RandomCheckpointWriter.Write(config, temporary.Path, ScalarType.BFloat16, seed: 3, maxShardBytes: 20_000);

        var shards = Directory.GetFiles(temporary.Path, "*.safetensors");
        Assert.True(shards.Length > 1);
        Assert.Equal(total, shards.Sum(shard => new FileInfo(shard).Length) - shards.Sum(HeaderBytes));
        using var model = ModelCheckpoint.Load(temporary.Path, CPU, ScalarType.BFloat16, mapWeights: true);
        Assert.All(model.parameters(), parameter => Assert.Equal(ScalarType.BFloat16, parameter.dtype));
        using var norm = model.get_parameter("model.norm.weight")!.to(ScalarType.Float32);
        Assert.True(norm.eq(1).all().item<bool>());
        using var embedding = model.get_parameter("model.embed_tokens.weight")!.to(ScalarType.Float32);
        Assert.InRange(embedding.std().item<float>(), 0.015, 0.025);
    }

    private static long HeaderBytes(string shard)
    {
        using var stream = File.OpenRead(shard);
        var length = new byte[8];
        stream.ReadExactly(length);
        return 8 + BitConverter.ToInt64(length);
    }
}
