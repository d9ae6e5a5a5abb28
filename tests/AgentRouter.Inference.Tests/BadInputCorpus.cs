using System.Text;
using System.Text.Json.Nodes;
using AgentRouter.Inference.Checkpoints;

namespace AgentRouter.Inference.Tests;

/// <summary>Writes broken safetensors files, checkpoint folders and configs for <see cref="BadInputTests"/>.</summary>
internal static class BadInputCorpus
{
    /// <summary>A safetensors file from a raw header string and data, with an optional forged header length.</summary>
    public static string RawSafetensors(string directory, string header, int dataBytes, ulong? declaredHeaderLength = null, string name = "broken.safetensors")
    {
        var path = Path.Combine(directory, name);
        var headerBytes = Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes(declaredHeaderLength ?? (ulong)headerBytes.Length));
        stream.Write(headerBytes);
        stream.Write(new byte[dataBytes]);
        return path;
    }

    public static string Bytes(string directory, byte[] content)
    {
        var path = Path.Combine(directory, "broken.safetensors");
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The full_mixtral fixture folder with its tensors rewritten by <paramref name="edit"/>.</summary>
    public static string EditedMixtral(TemporaryDirectory temporary, Action<Dictionary<string, TorchSharp.torch.Tensor>> edit, string checkpoint = "full_mixtral")
    {
        var directory = FixturePaths.AssembleCheckpoint(checkpoint, temporary);
        var weights = Path.Combine(directory, CheckpointTensors.SingleFileName);
        var tensors = new Dictionary<string, TorchSharp.torch.Tensor>(StringComparer.Ordinal);
        using (var file = Safetensors.SafetensorsFile.Open(weights))
        {
            foreach (var info in file.Tensors)
            {
                tensors[info.Name] = file.ReadTensor(info.Name);
            }
        }
        edit(tensors);
        Safetensors.SafetensorsWriter.Write(weights, tensors);
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
        return directory;
    }

    /// <summary>The full_mixtral fixture folder with config.json fields replaced (null value removes the field).</summary>
    public static string EditedConfig(TemporaryDirectory temporary, string field, JsonNode? value)
    {
        var directory = FixturePaths.AssembleCheckpoint("full_mixtral", temporary);
        var configPath = Path.Combine(directory, ModelCheckpoint.ConfigFileName);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        if (value is null)
        {
            config.Remove(field);
        }
        else
        {
            config[field] = value;
        }
        File.WriteAllText(configPath, config.ToJsonString());
        return directory;
    }

    public static string Shards(TemporaryDirectory temporary, string indexJson)
    {
        var directory = FixturePaths.AssembleCheckpoint("full_mixtral", temporary);
        File.Move(Path.Combine(directory, CheckpointTensors.SingleFileName), Path.Combine(directory, "model-00001-of-00001.safetensors"));
        File.WriteAllText(Path.Combine(directory, CheckpointTensors.IndexFileName), indexJson);
        return directory;
    }
}
