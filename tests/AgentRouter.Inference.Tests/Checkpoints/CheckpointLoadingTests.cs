using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Checkpoints;

/// <summary>Hub-cache snapshots (symlinks into blobs/), broken links, and dtype-preserving memory-mapped loads.</summary>
public sealed class CheckpointLoadingTests
{
    private static readonly long[] Prompt = [3, 17, 42, 5, 19, 7];

    [Fact]
    public void HubCacheSnapshotLoadsLikeThePlainFolder()
    {
        using var temporary = new TemporaryDirectory();
        var plain = SaveRandom(temporary.Combine("plain"), ScalarType.Float32);
        var snapshot = HubCacheLayout.Create(plain, temporary.Combine("models--org--tiny"));
        Assert.NotNull(new FileInfo(Path.Combine(snapshot, CheckpointTensors.SingleFileName)).LinkTarget);

        using var fromPlain = ModelCheckpoint.Load(plain);
        using var fromSnapshot = ModelCheckpoint.Load(snapshot);
        Assert.Equal(Logits(fromPlain), Logits(fromSnapshot));
    }

    [Fact]
    public void DanglingBlobLinkIsNamedAsSuch()
    {
        using var temporary = new TemporaryDirectory();
        var snapshot = HubCacheLayout.Create(SaveRandom(temporary.Combine("plain"), ScalarType.Float32), temporary.Combine("models--org--tiny"));
        var link = Path.Combine(snapshot, CheckpointTensors.SingleFileName);
        File.Delete(Path.GetFullPath(Path.Combine(snapshot, new FileInfo(link).LinkTarget!)));

        var error = Assert.Throws<SafetensorsFormatException>(() => ModelCheckpoint.Load(snapshot).Dispose());
        Assert.Contains(link, error.Message, StringComparison.Ordinal);
        Assert.Contains("dangling symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Contains("blobs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopingLinksGiveAClearError()
    {
        using var temporary = new TemporaryDirectory();
        var folder = SaveRandom(temporary.Combine("plain"), ScalarType.Float32);
        var weights = Path.Combine(folder, CheckpointTensors.SingleFileName);
        File.Delete(weights);
        File.CreateSymbolicLink(weights, "other.safetensors");
        File.CreateSymbolicLink(Path.Combine(folder, "other.safetensors"), CheckpointTensors.SingleFileName);

        var error = Assert.Throws<SafetensorsFormatException>(() => ModelCheckpoint.Load(folder).Dispose());
        Assert.Contains(weights, error.Message, StringComparison.Ordinal);
        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DanglingConfigLinkIsNamed()
    {
        using var temporary = new TemporaryDirectory();
        var folder = SaveRandom(temporary.Combine("plain"), ScalarType.Float32);
        var config = Path.Combine(folder, ModelCheckpoint.ConfigFileName);
        File.Delete(config);
        File.CreateSymbolicLink(config, "../blobs/missing");

        var error = Assert.Throws<ModelConfigException>(() => ModelCheckpoint.Load(folder).Dispose());
        Assert.Contains("dangling symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.Float32)]
    public void MappedLoadKeepsTheStoredDtypeAndIsFileBacked(ScalarType dtype)
    {
        using var temporary = new TemporaryDirectory();
        var snapshot = HubCacheLayout.Create(SaveRandom(temporary.Combine("plain"), dtype), temporary.Combine("models--org--tiny"));
        var blob = new FileInfo(Path.Combine(snapshot, CheckpointTensors.SingleFileName)).ResolveLinkTarget(true)!.FullName;

        using var copied = ModelCheckpoint.Load(snapshot, CPU, dtype);
        using var mapped = ModelCheckpoint.Load(snapshot, CPU, dtype, mapWeights: true);

        Assert.All(mapped.parameters(), parameter => Assert.Equal(dtype, parameter.dtype));
        // The parameters live in a mapping of the blob itself (file-backed pages), not in copies.
        Assert.Contains(File.ReadLines("/proc/self/maps"), line => line.EndsWith(blob, StringComparison.Ordinal));
        Assert.Equal(Logits(copied), Logits(mapped));
    }

    [Fact]
    public void Bf16CheckpointConvertsToFloat32TensorByTensor()
    {
        using var temporary = new TemporaryDirectory();
        var folder = SaveRandom(temporary.Combine("plain"), ScalarType.BFloat16);
        using var reduced = ModelCheckpoint.Load(folder, CPU, ScalarType.BFloat16);
        using var widened = ModelCheckpoint.Load(folder, CPU, ScalarType.Float32, mapWeights: true);
        Assert.All(widened.parameters(), parameter => Assert.Equal(ScalarType.Float32, parameter.dtype));
        using (no_grad())
        {
            foreach (var ((name, low), (_, high)) in reduced.named_parameters().Zip(widened.named_parameters()))
            {
                Assert.True(low.to(ScalarType.Float32).eq(high).all().item<bool>(), name);
            }
        }
    }

    private static string SaveRandom(string directory, ScalarType dtype)
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(ModelArchitecture.Qwen3Moe), seed: 5, standardDeviation: TinyConfigs.WeightScale);
        TorchSharp.ModuleExtensionMethods.to(model, dtype);
        ModelCheckpoint.Save(model, directory);
        return directory;
    }

    private static float[] Logits(MoeForCausalLm model)
    {
        using var inference = inference_mode();
        using var ids = tensor(Prompt, new long[] { 1, Prompt.Length });
        using var output = model.Forward(ids);
        using var logits = output.Logits.to(ScalarType.Float32);
        return logits.data<float>().ToArray();
    }
}
