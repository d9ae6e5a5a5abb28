using System.Security.Cryptography;

namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// Lays a checkpoint folder out the way the Hugging Face hub cache does: each file's bytes once in
/// <c>blobs/&lt;sha256&gt;</c>, and <c>snapshots/&lt;revision&gt;/&lt;file&gt;</c> a relative symbolic link to its blob.
/// Tests use it to check that such snapshot folders load like plain ones.
/// </summary>
public static class HubCacheLayout
{
    /// <summary>Copies the files of <paramref name="checkpointDirectory"/> into <paramref name="repositoryDirectory"/>
    /// (e.g. <c>…/hub/models--org--name</c>) and returns the snapshot folder.</summary>
    public static string Create(string checkpointDirectory, string repositoryDirectory, string revision = "0123456789abcdef0123456789abcdef01234567")
    {
        var blobs = Directory.CreateDirectory(Path.Combine(repositoryDirectory, "blobs")).FullName;
        var snapshot = Directory.CreateDirectory(Path.Combine(repositoryDirectory, "snapshots", revision)).FullName;
        foreach (var file in Directory.EnumerateFiles(checkpointDirectory))
        {
            string hash;
            using (var stream = File.OpenRead(file))
            {
                hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            var blob = Path.Combine(blobs, hash);
            if (!File.Exists(blob))
            {
                File.Copy(file, blob);
            }
            File.CreateSymbolicLink(Path.Combine(snapshot, Path.GetFileName(file)), Path.Combine("..", "..", "blobs", hash));
        }
        return snapshot;
    }
}
