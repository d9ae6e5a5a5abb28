using System.Text;
using System.Text.Json;
using TorchSharp;

namespace AgentRouter.Inference.Safetensors;

/// <summary>Writes tensors in the safetensors format (header sorted by name, 8-byte aligned data).</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var dtype = SafetensorsDTypeExtensions.FromScalarType(tensor.dtype, name);
            var length = tensor.numel() * dtype.ElementSize();
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = dtype.ToString(),
                ["shape"] = tensor.shape,
                ["data_offsets"] = new[] { offset, offset + length },
            };
            offset += length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var padding = (8 - (headerBytes.Length % 8)) % 8;
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            stream.Write(BitConverter.GetBytes((long)(headerBytes.Length + padding)));
            stream.Write(headerBytes);
            stream.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
            foreach (var (_, tensor) in ordered)
            {
                // detach() and cpu() make new tensor handles on the same storage: undisposed, each kept its tensor's memory
                // alive until a finalizer ran, so writing a 13.8 GB checkpoint shard by shard grew by a shard's size per shard.
                using var scope = torch.NewDisposeScope();
                var contiguous = tensor.detach().cpu().contiguous();
                if (contiguous.numel() > 0)
                {
                    stream.Write(contiguous.bytes);
                }
            }
        }
        File.Move(temporary, path, overwrite: true);
    }
}
