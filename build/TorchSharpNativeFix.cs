// Compiled by MSBuild's RoslynCodeTaskFactory against netstandard (see TorchSharpNativeFix.targets);
// not part of any project.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Makes libLibTorchSharp.so from libtorch 2.10 (built with GCC 13) load on a libstdc++ that stops at
/// GLIBCXX_3.4.30 (Debian 12). The library needs exactly one GLIBCXX_3.4.32 symbol,
/// std::ios_base_library_init(), which GCC 13's &lt;iostream&gt; calls from static initialisers and which
/// libtorch's own libraries already perform. The undefined symbol is renamed to a harmless
/// 3.4.30-era no-argument function (std::get_new_handler), made unversioned, and the
/// GLIBCXX_3.4.32 requirement is marked weak so the loader no longer insists on it.
/// Only the given copy (in a build or publish output) is edited, never the NuGet cache.
/// </summary>
public sealed class PatchLibTorchSharpGlibcxx : Task
{
    private const string MissingSymbol = "_ZSt21ios_base_library_initv";
    private const string ReplacementSymbol = "_ZSt15get_new_handlerv";
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const ushort VersionFlagWeak = 0x2;

    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux))
        {
            return true;
        }
        if (SystemLibStdCxxHasRequiredVersion())
        {
            Log.LogMessage(MessageImportance.Low, "System libstdc++ provides " + MissingVersion + "; TorchSharp native fix not needed.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path))
            {
                continue;
            }
            try
            {
                PatchFile(path);
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError("TorchSharp native fix failed for '" + path + "': " + exception.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool SystemLibStdCxxHasRequiredVersion()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        };
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                var bytes = File.ReadAllBytes(candidate);
                return IndexOf(bytes, Encoding.ASCII.GetBytes(MissingVersion + "\0"), 0, bytes.Length) >= 0;
            }
        }
        // No libstdc++ where we can see it: patching is harmless (the requirement only becomes weak).
        return false;
    }

    private void PatchFile(string path)
    {
        var image = File.ReadAllBytes(path);
        var elf = new Elf64(image, path);
        var dynstr = elf.Section(".dynstr");
        var dynsym = elf.Section(".dynsym");
        var versym = elf.Section(".gnu.version");
        var verneed = elf.Section(".gnu.version_r");

        var changed = false;
        for (long offset = dynsym.Offset; offset + 24 <= dynsym.Offset + dynsym.Size; offset += 24)
        {
            var nameOffset = dynstr.Offset + BitConverter.ToUInt32(image, (int)offset);
            if (ReadCString(image, nameOffset, dynstr) != MissingSymbol)
            {
                continue;
            }
            var replacement = Encoding.ASCII.GetBytes(ReplacementSymbol);
            Array.Clear(image, (int)nameOffset, MissingSymbol.Length);
            Array.Copy(replacement, 0, image, nameOffset, replacement.Length);
            var symbolIndex = (offset - dynsym.Offset) / 24;
            WriteUInt16(image, versym.Offset + (symbolIndex * 2), 1);
            changed = true;
        }

        var needOffset = verneed.Offset;
        while (true)
        {
            var auxCount = BitConverter.ToUInt16(image, (int)needOffset + 2);
            var auxOffset = needOffset + BitConverter.ToUInt32(image, (int)needOffset + 8);
            for (var i = 0; i < auxCount; i++)
            {
                var name = ReadCString(image, dynstr.Offset + BitConverter.ToUInt32(image, (int)auxOffset + 8), dynstr);
                var flags = BitConverter.ToUInt16(image, (int)auxOffset + 4);
                if (name == MissingVersion && (flags & VersionFlagWeak) == 0)
                {
                    WriteUInt16(image, auxOffset + 4, (ushort)(flags | VersionFlagWeak));
                    changed = true;
                }
                auxOffset += BitConverter.ToUInt32(image, (int)auxOffset + 12);
            }
            var next = BitConverter.ToUInt32(image, (int)needOffset + 12);
            if (next == 0)
            {
                break;
            }
            needOffset += next;
        }

        if (!changed)
        {
            Log.LogMessage(MessageImportance.Low, "TorchSharp native fix: '" + path + "' already patched.");
            return;
        }
        // Write a new file and move it over the old one: if the copy was a hard link into the NuGet
        // cache, the link is broken instead of the cache being edited.
        var temporary = path + ".patching";
        File.WriteAllBytes(temporary, image);
        File.SetLastWriteTimeUtc(temporary, File.GetLastWriteTimeUtc(path));
        File.Delete(path);
        File.Move(temporary, path);
        Log.LogMessage(MessageImportance.Normal, "TorchSharp native fix: patched '" + path + "' (" + MissingVersion + " made optional).");
    }

    private static string ReadCString(byte[] image, long offset, Elf64.SectionRange within)
    {
        if (offset < within.Offset || offset >= within.Offset + within.Size)
        {
            throw new InvalidDataException("string offset outside .dynstr");
        }
        var end = offset;
        while (end < within.Offset + within.Size && image[end] != 0)
        {
            end++;
        }
        return Encoding.ASCII.GetString(image, (int)offset, (int)(end - offset));
    }

    private static void WriteUInt16(byte[] image, long offset, ushort value)
    {
        image[offset] = (byte)(value & 0xFF);
        image[offset + 1] = (byte)(value >> 8);
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int start, int end)
    {
        for (var i = start; i <= end - needle.Length; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }

    private sealed class Elf64
    {
        public readonly struct SectionRange
        {
            public SectionRange(long offset, long size)
            {
                Offset = offset;
                Size = size;
            }

            public long Offset { get; }
            public long Size { get; }
        }

        private readonly byte[] _image;
        private readonly string _path;

        public Elf64(byte[] image, string path)
        {
            _image = image;
            _path = path;
            if (image.Length < 64 || image[0] != 0x7F || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F'
                || image[4] != 2 || image[5] != 1)
            {
                throw new InvalidDataException("not a little-endian ELF64 file: " + path);
            }
        }

        public SectionRange Section(string name)
        {
            var sectionTable = (long)BitConverter.ToUInt64(_image, 0x28);
            int entrySize = BitConverter.ToUInt16(_image, 0x3A);
            int count = BitConverter.ToUInt16(_image, 0x3C);
            int namesIndex = BitConverter.ToUInt16(_image, 0x3E);
            var namesOffset = (long)BitConverter.ToUInt64(_image, (int)(sectionTable + (namesIndex * entrySize) + 0x18));
            for (var i = 0; i < count; i++)
            {
                var header = sectionTable + (i * entrySize);
                var nameStart = namesOffset + BitConverter.ToUInt32(_image, (int)header);
                var nameEnd = nameStart;
                while (_image[nameEnd] != 0)
                {
                    nameEnd++;
                }
                if (Encoding.ASCII.GetString(_image, (int)nameStart, (int)(nameEnd - nameStart)) == name)
                {
                    var offset = (long)BitConverter.ToUInt64(_image, (int)header + 0x18);
                    var size = (long)BitConverter.ToUInt64(_image, (int)header + 0x20);
                    if (offset < 0 || size < 0 || offset + size > _image.Length)
                    {
                        throw new InvalidDataException("section " + name + " lies outside the file: " + _path);
                    }
                    return new SectionRange(offset, size);
                }
            }
            throw new InvalidDataException("section " + name + " not found in " + _path);
        }
    }
}
