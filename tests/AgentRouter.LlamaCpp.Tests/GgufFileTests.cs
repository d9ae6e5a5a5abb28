using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Gguf;

namespace AgentRouter.LlamaCpp.Tests;

/// <summary>The GGUF writer and header reader on their own, refusals of configs llama.cpp cannot express, and bad files
/// refused before native code sees them.</summary>
public sealed class GgufFileTests
{
    [Fact]
    public void ExportedHeaderListsTheArchitectureMetadataAndTensorsAsLlamaCppNamesThem()
    {
        using var folder = new TemporaryFolder();
        var checkpoint = TestCheckpoints.Random(GgufParityTests.ExportableConfig(ModelArchitecture.Qwen3Moe), folder.Combine("model"), seed: 1);
        var path = folder.Combine("model.gguf");

        GgufExporter.Export(checkpoint, path, new GgufExportOptions(GgufExportType.F16));

        var file = GgufFile.Read(path);
        Assert.Equal("qwen3moe", file.Architecture);
        Assert.Equal(8u, file.Metadata["qwen3moe.expert_count"]);
        Assert.Equal(24u, file.Metadata["qwen3moe.expert_feed_forward_length"]);
        Assert.Equal(12u, file.Metadata["qwen3moe.attention.key_length"]);
        Assert.Equal("none", file.Metadata["tokenizer.ggml.model"]);
        Assert.Equal(61u, file.Metadata["qwen3moe.vocab_size"]);
        var gate = file.Tensors.Single(tensor => tensor.Name == "blk.0.ffn_gate_exps.weight");
        Assert.Equal(new ulong[] { 32, 24, 8 }, gate.Dimensions);
        Assert.Equal((uint)GgmlType.F16, gate.Type);
        Assert.Equal((uint)GgmlType.F32, file.Tensors.Single(tensor => tensor.Name == "blk.0.ffn_gate_inp.weight").Type);
        Assert.Equal((uint)GgmlType.F32, file.Tensors.Single(tensor => tensor.Name == "blk.2.attn_k_norm.weight").Type);
        Assert.All(file.Tensors, tensor => Assert.Equal(0ul, tensor.DataOffset % GgufWriter.Alignment));
    }

    [Theory]
    [InlineData(ModelArchitecture.Qwen3Moe, false, "norm_topk_prob")]
    [InlineData(ModelArchitecture.Qwen2Moe, true, "norm_topk_prob")]
    [InlineData(ModelArchitecture.Olmoe, true, "norm_topk_prob")]
    public void ConfigsLlamaCppCannotExpressAreRefusedNamingTheField(ModelArchitecture architecture, bool normaliseTopK, string field)
    {
        using var folder = new TemporaryFolder();
        var config = GgufParityTests.ExportableConfig(architecture) with { NormTopKProbabilities = normaliseTopK };
        var checkpoint = TestCheckpoints.Random(config, folder.Combine("model"), seed: 1);

        var error = Assert.Throws<GgufFormatException>(() => GgufExporter.Export(checkpoint, folder.Combine("model.gguf"), new GgufExportOptions()));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Combine("model.gguf")));
    }

    [Fact]
    public void TruncatedFileIsRefusedBeforeLlamaCppLoadsIt()
    {
        using var folder = new TemporaryFolder();
        var checkpoint = TestCheckpoints.Random(GgufParityTests.ExportableConfig(ModelArchitecture.Mixtral), folder.Combine("model"), seed: 1);
        var path = folder.Combine("model.gguf");
        GgufExporter.Export(checkpoint, path, new GgufExportOptions());
        var bytes = File.ReadAllBytes(path);
        var truncated = folder.Combine("truncated.gguf");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 100)]);
        var headerOnly = folder.Combine("header.gguf");
        File.WriteAllBytes(headerOnly, bytes[..40]);

        Assert.Contains("truncated", Assert.Throws<GgufFormatException>(() => LlamaCppModel.Load(truncated)).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Assert.Throws<GgufFormatException>(() => GgufFile.Read(headerOnly)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileWithoutTheMagicOrWithAnAbsurdCountIsRefused()
    {
        using var folder = new TemporaryFolder();
        var notGguf = folder.Combine("not.gguf");
        File.WriteAllText(notGguf, "this is a text file and certainly not a model, but long enough");
        var absurd = folder.Combine("absurd.gguf");
        using (var writer = new BinaryWriter(File.Create(absurd)))
        {
            writer.Write(GgufWriter.Magic);
            writer.Write(3u);
            writer.Write(0ul);
            writer.Write(ulong.MaxValue); // metadata count
            writer.Write(new byte[64]);
        }

        Assert.Contains("magic", Assert.Throws<GgufFormatException>(() => GgufFile.Read(notGguf)).Message, StringComparison.Ordinal);
        Assert.Contains("metadata count", Assert.Throws<GgufFormatException>(() => GgufFile.Read(absurd)).Message, StringComparison.Ordinal);
        Assert.Contains("not found", Assert.Throws<GgufFormatException>(() => GgufFile.Read(folder.Combine("missing.gguf"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArrayLengthsAreBoundedByTheirElementsSizeBeforeAnythingIsAllocated()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Combine("array.gguf");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write(GgufWriter.Magic);
            writer.Write(3u);
            writer.Write(0ul); // tensor count
            writer.Write(1ul); // metadata count
            writer.Write((ulong)"tokenizer.ggml.scores".Length);
            writer.Write("tokenizer.ggml.scores"u8.ToArray());
            writer.Write((uint)GgufValueType.Array);
            writer.Write((uint)GgufValueType.Float32);
            // 1,000 array entries would fit the remaining bytes one byte each, but not four bytes each.
            writer.Write(1_000ul);
            writer.Write(new byte[1_000]);
        }

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Contains("array length 1000 cannot fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FifoIsRefusedInsteadOfBlockingTheReader()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        using var folder = new TemporaryFolder();
        var fifo = folder.Combine("model.gguf");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO for reading blocks until a writer appears; the reader must refuse it before opening.
        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(fifo));

        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0f)]
    [InlineData(1.0f)]
    [InlineData(-3.25f)]
    [InlineData(1e-30f)]
    [InlineData(65504f)]
    public void Bf16RoundsToNearestEvenLikeGgml(float value)
    {
        var bits = GgufEncoding.ToBf16Bits(value);
        var back = BitConverter.UInt32BitsToSingle((uint)bits << 16);
        Assert.True(Math.Abs(back - value) <= Math.Abs(value) / 128, $"{value} -> {back}");
        Assert.Equal((ushort)0x3f80, GgufEncoding.ToBf16Bits(1.0f));
        Assert.Equal((ushort)0x3f80, GgufEncoding.ToBf16Bits(BitConverter.UInt32BitsToSingle(0x3f808000))); // tie -> even
        Assert.Equal((ushort)0x3f82, GgufEncoding.ToBf16Bits(BitConverter.UInt32BitsToSingle(0x3f818000))); // tie -> even (up)
    }

    [Fact]
    public void Q8BlocksHoldAnFp16ScaleAndRoundHalfAwayFromZero()
    {
        var values = new float[32];
        values[0] = 127f;
        values[1] = -63.5f;
        values[2] = 0.5f;
        var bytes = GgufEncoding.Encode(values, GgmlType.Q8_0);

        Assert.Equal(34, bytes.Length);
        Assert.Equal((Half)1f, BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(bytes, 0)));
        Assert.Equal(127, (sbyte)bytes[2]);
        Assert.Equal(-64, (sbyte)bytes[3]);
        Assert.Equal(1, (sbyte)bytes[4]);
        Assert.Equal(0, (sbyte)bytes[5]);
    }
}
