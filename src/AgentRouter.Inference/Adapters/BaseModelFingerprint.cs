using System.Security.Cryptography;
using AgentRouter.Inference.Checkpoints;

namespace AgentRouter.Inference.Adapters;

/// <summary>
/// Identifies a base checkpoint by content: SHA-256 over its config.json and safetensors files. Recorded in an
/// adapter's config at training time so that loading it over a different base (say, another specialist with the same
/// architecture, which <c>base_model_name_or_path</c> alone cannot tell apart) is refused.
/// </summary>
public static class BaseModelFingerprint
{
    public static string Compute(string checkpointDirectory)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        var files = Directory.EnumerateFiles(checkpointDirectory, "*.safetensors")
            .Append(Path.Combine(checkpointDirectory, ModelCheckpoint.ConfigFileName))
            .Order(StringComparer.Ordinal)
            .ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            using var stream = File.OpenRead(file);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
