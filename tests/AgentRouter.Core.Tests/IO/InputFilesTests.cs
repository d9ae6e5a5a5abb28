using AgentRouter.Core.Agents;
using AgentRouter.Core.IO;
using AgentRouter.Core.Presets;

namespace AgentRouter.Core.Tests.IO;

/// <summary>Issue #16, special files: /dev/zero, FIFOs and symlink loops as inputs are refused with errors naming
/// the path (formerly ~4 GB read then OOM, a hang, or an unhandled IOException); links to regular files work.</summary>
public sealed class InputFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentrouter-inputfiles-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Regular_files_and_links_to_them_are_read()
    {
        var blob = Path.Combine(_directory, "blob");
        File.WriteAllText(blob, "\uFEFF{\"a\":1}");
        var link = Path.Combine(_directory, "link.json");
        File.CreateSymbolicLink(link, blob);
        Assert.Equal("{\"a\":1}", InputFiles.ReadAllText(link));
        Assert.Equal(File.ReadAllBytes(blob), InputFiles.ReadAllBytes(blob));
    }

    [Fact]
    public void Devices_fifos_loops_dangling_links_directories_and_oversized_files_are_refused_by_name()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var zero = Path.Combine(_directory, "zero.json");
        File.CreateSymbolicLink(zero, "/dev/zero");
        var loop = Path.Combine(_directory, "loop.json");
        File.CreateSymbolicLink(loop, Path.Combine(_directory, "loop2.json"));
        File.CreateSymbolicLink(Path.Combine(_directory, "loop2.json"), loop);
        var dangling = Path.Combine(_directory, "dangling.json");
        File.CreateSymbolicLink(dangling, Path.Combine(_directory, "nowhere"));
        var fifo = Path.Combine(_directory, "fifo.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        var big = Path.Combine(_directory, "big.json");
        File.WriteAllBytes(big, new byte[2048]);
        Assert.Contains("not a regular file", Refused(zero), StringComparison.Ordinal);
        Assert.Contains("not a regular file", Refused(fifo), StringComparison.Ordinal);
        Assert.Contains("loop", Refused(loop), StringComparison.Ordinal);
        Assert.Contains("does not exist", Refused(dangling), StringComparison.Ordinal);
        Assert.Contains("directory", Refused(_directory), StringComparison.Ordinal);
        Assert.Contains("limit", Assert.Throws<InputFileException>(() => InputFiles.ReadAllText(big, 1024)).Message, StringComparison.Ordinal);

        // The loaders turn these into their own file-and-field errors.
        var manifests = AgentManifestLoader.LoadDirectory(_directory);
        Assert.Contains(manifests.Errors, e => e.File == zero && e.Message.Contains("not a regular file", StringComparison.Ordinal));
        Assert.Contains(manifests.Errors, e => e.File == loop);
        Assert.Throws<PolicyPresetException>(() => PolicyPresetLoader.LoadFile(zero));

        string Refused(string path) => Assert.Throws<InputFileException>(() => InputFiles.ReadAllText(path)).Message;
    }
}
