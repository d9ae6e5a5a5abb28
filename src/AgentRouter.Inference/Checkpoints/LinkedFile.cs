namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// Follows symbolic links to the file they finally name. A Hugging Face hub-cache snapshot
/// (<c>snapshots/&lt;rev&gt;/model.safetensors → ../../blobs/&lt;sha&gt;</c>) is made of such links, and a link's own
/// size is not its target's, so every length check and mapping must use the resolved file.
/// </summary>
public static class LinkedFile
{
    /// <summary>What <paramref name="path"/> names after following its links.</summary>
    /// <returns>The resolved regular file, or null when nothing usable is there; then <paramref name="problem"/>
    /// says why ("not found", a dangling link and its target, a link loop), naming the link.</returns>
    public static string? Resolve(string path, out string problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        problem = "";
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            if (info.Exists)
            {
                return info.FullName;
            }
            problem = Directory.Exists(path) ? "is a folder, not a file" : "file not found";
            return null;
        }
        FileSystemInfo? target;
        try
        {
            target = info.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException exception)
        {
            problem = $"is a symbolic link that cannot be followed (a loop of links?): {exception.Message}";
            return null;
        }
        if (target is null || !target.Exists)
        {
            var shown = target?.FullName ?? info.LinkTarget;
            problem = $"is a dangling symbolic link: its target '{shown}' does not exist"
                + (shown.Contains($"{Path.DirectorySeparatorChar}blobs{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    ? " (a hub-cache blob that was never downloaded or was deleted)" : "");
            return null;
        }
        if (target is DirectoryInfo)
        {
            problem = $"is a symbolic link to the folder '{target.FullName}', not to a file";
            return null;
        }
        return target.FullName;
    }

    /// <summary>Whether anything, even a dangling or looping link, sits at <paramref name="path"/>.</summary>
    public static bool IsPresent(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
