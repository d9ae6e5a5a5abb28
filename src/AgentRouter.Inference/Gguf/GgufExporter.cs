using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Gguf;

/// <summary>Options of one export: element type, and the llama.cpp pre-tokenizer name when it cannot be inferred.</summary>
public sealed record GgufExportOptions(GgufExportType Type = GgufExportType.F32, string? PreTokenizer = null, string? ModelName = null);

/// <summary>
/// Writes a Hugging Face checkpoint of a supported architecture as a GGUF file llama.cpp loads: the
/// architecture's metadata, tensors named and laid out as llama.cpp's converter writes them, and the tokenizer.
/// The weights go through this engine's own loader first, so every layout it reads (per-expert or fused experts)
/// exports the same way, and what llama.cpp runs is exactly what the engine runs.
/// </summary>
public static class GgufExporter
{
    public static void Export(string checkpointDirectory, string outputPath, GgufExportOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ModelCheckpoint.LoadConfig(checkpointDirectory);
        var layout = GgufArchitectureLayout.For(config, Path.Combine(checkpointDirectory, ModelCheckpoint.ConfigFileName));
        using var model = ModelCheckpoint.Load(checkpointDirectory);
        var parameters = model.named_parameters().ToDictionary(pair => pair.name, pair => (Tensor)pair.parameter, StringComparer.Ordinal);

        var metadata = new GgufMetadata();
        metadata.Set("general.architecture", layout.Name);
        metadata.Set("general.name", options.ModelName ?? new DirectoryInfo(checkpointDirectory).Name);
        metadata.Set("general.file_type", options.Type.FileType());
        if (options.Type == GgufExportType.Q8_0)
        {
            metadata.Set("general.quantization_version", 2u);
        }
        layout.AddHyperParameters(metadata);
        GgufTokenizerMetadata.Add(metadata, layout.Name, checkpointDirectory, config.VocabSize, options.PreTokenizer);

        var tensors = layout.Tensors(parameters, options.Type).ToList();
        progress?.Report($"writing {tensors.Count} tensors as {options.Type.ToString().ToLowerInvariant()} to {outputPath}");
        GgufWriter.Write(outputPath, metadata, tensors, new Progress<int>(count =>
        {
            if (count % 50 == 0 || count == tensors.Count)
            {
                progress?.Report($"  {count}/{tensors.Count} tensors");
            }
        }));
    }

    /// <summary>A tensor's float32 values, row-major, read when the writer reaches it.</summary>
    internal static Func<float[]> ValuesOf(Func<Tensor> select) => () =>
    {
        using var scope = NewDisposeScope();
        using var contiguous = select().detach().to(ScalarType.Float32).cpu().contiguous();
        return contiguous.data<float>().ToArray();
    };
}
