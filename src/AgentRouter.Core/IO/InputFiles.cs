namespace AgentRouter.Core.IO;

/// <summary>Opens input files (configs, manifests, presets, indexes, tokenizers) only when they are regular
/// files of a plausible size, checked before the first byte is read: a character device such as
/// <c>/dev/zero</c> (endless), a FIFO (blocks on open) or a socket reports no size, so a zero-size entry is
/// refused; a symbolic link is followed to its final target (Hugging Face hub snapshots are links into
/// <c>blobs/</c>) and a loop or dangling link is named as such; a file over the cap is refused by its size.
/// Reads are capped again while reading, in case the file grows in between.</summary>
public static class InputFiles
{
    /// <summary>The cap for JSON and text inputs (configs, manifests, presets, indexes): 64 MiB.</summary>
    public const long DefaultMaxTextBytes = 64L * 1024 * 1024;

    /// <summary>The regular file behind <paramref name="path"/> (symbolic links followed).</summary>
    /// <exception cref="InputFileException">Missing, a directory, a dangling link or loop, not a regular file
    /// (no size), or larger than <paramref name="maxBytes"/>.</exception>
    public static FileInfo Regular(string path, long maxBytes = DefaultMaxTextBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            FileSystemInfo? target;
            try
            {
                target = info.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException e)
            {
                throw new InputFileException(path, $"is a symbolic link that cannot be resolved (a loop?): {e.Message}", e);
            }

            if (target is null || !target.Exists)
            {
                var shown = target?.FullName ?? info.LinkTarget;
                var separator = Path.DirectorySeparatorChar;
                throw new InputFileException(path, $"is a dangling symbolic link: its target '{shown}' does not exist"
                    + (shown.Contains($"{separator}blobs{separator}", StringComparison.Ordinal)
                        ? " (a hub-cache blob that was never downloaded or was deleted)" : ""));
            }

            if (target is DirectoryInfo)
            {
                throw new InputFileException(path, $"is a symbolic link to the folder '{target.FullName}', not to a file");
            }

            info = new FileInfo(target.FullName);
        }

        if (!info.Exists)
        {
            throw new InputFileException(path, Directory.Exists(path) ? "is a directory, not a file" : "not found");
        }

        if (info.Length == 0)
        {
            throw new InputFileException(path, "is empty, or is not a regular file (a device, FIFO or socket reports no size)");
        }

        if (info.Length > maxBytes)
        {
            throw new InputFileException(path, $"is {info.Length:N0} bytes; the limit for this kind of file is {maxBytes:N0}");
        }

        return info;
    }

    /// <summary>Whether anything, even a dangling or looping link, sits at <paramref name="path"/> (so that an error can
    /// name a broken link rather than report the file missing).</summary>
    public static bool IsPresent(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>The file's text (UTF-8, a byte-order mark dropped), after <see cref="Regular"/>'s checks.</summary>
    public static string ReadAllText(string path, long maxBytes = DefaultMaxTextBytes)
    {
        var bytes = ReadAllBytes(path, maxBytes);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    /// <summary>The file's bytes, after <see cref="Regular"/>'s checks.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes = DefaultMaxTextBytes)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength);
        var info = Regular(path, maxBytes);
        using var stream = OpenRegular(info, path);
        using var copy = new MemoryStream((int)info.Length);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (copy.Length + read > maxBytes)
            {
                throw new InputFileException(path, $"grew past the limit of {maxBytes:N0} bytes while being read");
            }

            copy.Write(chunk, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>A read stream over the file, after <see cref="Regular"/>'s checks.</summary>
    public static FileStream OpenRead(string path, long maxBytes = long.MaxValue) => OpenRegular(Regular(path, maxBytes), path);

    private static FileStream OpenRegular(FileInfo info, string path)
    {
        try
        {
            return new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputFileException(path, $"cannot be read: {e.Message}", e);
        }
    }
}

/// <summary>An input file that is refused before or while it is read; the message names the path.</summary>
public sealed class InputFileException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;

    public string Problem { get; } = problem;
}
