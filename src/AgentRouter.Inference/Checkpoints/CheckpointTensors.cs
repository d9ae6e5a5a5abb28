using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentRouter.Core.IO;
using AgentRouter.Inference.Safetensors;
using TorchSharp;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// The tensors of a checkpoint folder: <c>model.safetensors</c>, or the shards listed in
/// <c>model.safetensors.index.json</c>.
/// </summary>
public sealed class CheckpointTensors : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafetensorsFile> _fileOfTensor;
    private readonly Dictionary<(SafetensorsFile File, SafetensorsDType DType), torch.Tensor> _mappedFiles = new();
    private readonly List<SafetensorsFile> _files;

    private CheckpointTensors(string directory, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOfTensor)
    {
        Directory = directory;
        _files = files;
        _fileOfTensor = fileOfTensor;
    }

    public string Directory { get; }

    public IReadOnlyCollection<string> Names => _fileOfTensor.Keys;

    public static CheckpointTensors Open(string directory)
    {
        var indexPath = Path.Combine(directory, IndexFileName);
        var singlePath = Path.Combine(directory, SingleFileName);
        // A dangling or looping link still counts as present, so the error names the link rather than "missing".
        if (InputFiles.IsPresent(indexPath))
        {
            try
            {
                _ = InputFiles.Regular(indexPath);
            }
            catch (InputFileException error)
            {
                throw new CheckpointException(indexPath, null, error.Problem);
            }
            return OpenSharded(directory, indexPath);
        }
        if (!InputFiles.IsPresent(singlePath))
        {
            throw new CheckpointException(directory, null, $"neither {SingleFileName} nor {IndexFileName} exists");
        }
        var file = SafetensorsFile.Open(singlePath);
        return new CheckpointTensors(directory, new List<SafetensorsFile> { file },
            file.Tensors.ToDictionary(info => info.Name, _ => file, StringComparer.Ordinal));
    }

    public bool Contains(string name) => _fileOfTensor.ContainsKey(name);

    public string FileOf(string name) => _fileOfTensor.TryGetValue(name, out var file) ? file.FilePath : Directory;

    public SafetensorsTensorInfo Info(string name) => FileHolding(name).Info(name);

    public torch.Tensor Read(string name) => FileHolding(name).ReadTensor(name);

    /// <summary>
    /// A view of tensor <paramref name="name"/> inside a private memory mapping of its file (<c>torch.from_file</c>): no bytes
    /// are copied, pages are read from the file (or the page cache) when first touched and stay file-backed. False when the
    /// tensor is stored in another dtype, is empty, or starts at an offset that is not a multiple of its element size.
    /// </summary>
    public bool TryMap(string name, torch.ScalarType dtype, [NotNullWhen(true)] out torch.Tensor? view)
    {
        view = null;
        if (!_fileOfTensor.TryGetValue(name, out var file))
        {
            return false;
        }
        var info = file.Info(name);
        var elementSize = info.DType.ElementSize();
        var offset = file.DataStart + info.Begin;
        if (info.DType.ToScalarType() != dtype || info.ByteLength == 0 || offset % elementSize != 0)
        {
            return false;
        }
        if (!_mappedFiles.TryGetValue((file, info.DType), out var flat))
        {
            flat = torch.from_file(file.ResolvedPath, shared: false, size: file.FileLength / elementSize, dtype: dtype);
            _mappedFiles[(file, info.DType)] = flat;
        }
        using var slice = flat.narrow(0, offset / elementSize, info.ByteLength / elementSize);
        view = slice.view(info.Shape.ToArray());
        return true;
    }

    /// <summary>Closes the files; tensors returned by <see cref="TryMap"/> keep their own mappings alive.</summary>
    public void Dispose()
    {
        foreach (var flat in _mappedFiles.Values)
        {
            flat.Dispose();
        }
        _mappedFiles.Clear();
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private SafetensorsFile FileHolding(string name) =>
        _fileOfTensor.TryGetValue(name, out var file) ? file : throw new CheckpointException(Directory, name, "missing from the checkpoint");

    private static CheckpointTensors OpenSharded(string directory, string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var document = CheckedJson.Parse(InputFiles.ReadAllText(indexPath));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointException(indexPath, null, "no 'weight_map' object");
            }
            weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
                if (shard.Length == 0 || shard.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || Path.GetFileName(shard) != shard)
                {
                    throw new CheckpointException(indexPath, entry.Name, $"shard name {entry.Value.GetRawText()} is not a file name in the folder");
                }
                weightMap[entry.Name] = shard;
            }
        }
        catch (JsonException exception)
        {
            throw new CheckpointException(indexPath, null, $"not valid JSON: {exception.Message}");
        }
        catch (InputFileException exception)
        {
            throw new CheckpointException(indexPath, null, exception.Problem);
        }

        var files = new List<SafetensorsFile>();
        var byShard = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var fileOfTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shard) in weightMap)
            {
                if (!byShard.TryGetValue(shard, out var file))
                {
                    file = SafetensorsFile.Open(Path.Combine(directory, shard));
                    files.Add(file);
                    byShard[shard] = file;
                }
                if (!file.Contains(tensor))
                {
                    throw new CheckpointException(file.FilePath, tensor, $"listed in {IndexFileName} but absent from the shard");
                }
                fileOfTensor[tensor] = file;
            }
        }
        catch
        {
            files.ForEach(file => file.Dispose());
            throw;
        }
        return new CheckpointTensors(directory, files, fileOfTensor);
    }
}
