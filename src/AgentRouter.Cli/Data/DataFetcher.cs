using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using AgentRouter.Core.Configuration;

namespace AgentRouter.Cli.Data;

/// <summary>A file could not be fetched or is not what the catalogue says; the message names the file.</summary>
internal sealed class DataFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How a file came to be in the cache.</summary>
internal enum FetchOutcome
{
    /// <summary>It was there already with the right SHA-256.</summary>
    AlreadyPresent,
    Downloaded,

    /// <summary>Downloaded, continuing a partial file left by an interrupted fetch.</summary>
    Resumed,

    /// <summary>Copied from a local folder (<c>--from</c>).</summary>
    Copied,
}

internal sealed record FetchedFile(DataFile File, string Path, FetchOutcome Outcome);

/// <summary>Fills <c>&lt;cache&gt;/&lt;set&gt;/</c> with a data set's files, from their URLs or from a local folder.
/// A download goes to <c>NAME.partial</c> first and continues from there (an HTTP Range request) when a connection
/// drops or an earlier run was stopped; only a file whose size and SHA-256 match the catalogue is moved into place.</summary>
internal sealed class DataFetcher
{
    /// <summary>Tries per file: a connection that drops mid-file is resumed this many times before giving up.</summary>
    public const int MaxAttempts = 4;

    private readonly HttpClient _http;
    private readonly TimeSpan _stallTimeout;

    /// <param name="stallTimeout">A download that receives no byte for this long is treated as dropped (and resumed).</param>
    public DataFetcher(HttpClient http, string cacheRoot, TimeSpan? stallTimeout = null)
    {
        _http = http;
        CacheRoot = Path.GetFullPath(cacheRoot);
        _stallTimeout = stallTimeout ?? TimeSpan.FromSeconds(60);
    }

    public string CacheRoot { get; }

    /// <summary>The cache folder: <c>$AGENTROUTER_DATA_CACHE</c>, else <c>$XDG_CACHE_HOME/agentrouter/data</c>, else
    /// <c>~/.cache/agentrouter/data</c>.</summary>
    public static string DefaultCacheRoot()
    {
        if (AgentRouterSettings.FromEnvironment().DataCache is { Length: > 0 } configured)
        {
            return configured;
        }
        // XDG_CACHE_HOME is the platform's convention, not a product setting.
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "agentrouter", "data");
    }

    public string FolderOf(DataSet set) => SetFolder(CacheRoot, set);

    public static string SetFolder(string cacheRoot, DataSet set) => Path.Combine(Path.GetFullPath(cacheRoot), set.Name);

    /// <summary>Downloads every file of <paramref name="set"/> that the cache lacks.</summary>
    /// <param name="onProgress">Called with each file and the bytes it holds so far (also when resuming).</param>
    public async Task<IReadOnlyList<FetchedFile>> FetchAsync(DataSet set, Action<DataFile, long> onProgress, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(FolderOf(set)).FullName;
        var fetched = new List<FetchedFile>();
        foreach (var file in set.Files)
        {
            var target = Path.Combine(folder, file.Name);
            if (await MatchesAsync(target, file, cancellationToken).ConfigureAwait(false))
            {
                onProgress(file, file.Bytes);
                fetched.Add(new FetchedFile(file, target, FetchOutcome.AlreadyPresent));
                continue;
            }

            var resumed = await DownloadAsync(file, target + ".partial", onProgress, cancellationToken).ConfigureAwait(false);
            await CommitAsync(file, target + ".partial", target, $"{file.Url}", cancellationToken).ConfigureAwait(false);
            fetched.Add(new FetchedFile(file, target, resumed ? FetchOutcome.Resumed : FetchOutcome.Downloaded));
        }
        return fetched;
    }

    /// <summary>Offline: copies every file of <paramref name="set"/> from <paramref name="source"/> (or its
    /// <c>&lt;set&gt;/</c> subfolder) into the cache, checking each against the catalogue.</summary>
    public async Task<IReadOnlyList<FetchedFile>> CopyFromAsync(DataSet set, string source, Action<DataFile, long> onProgress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(source))
        {
            throw new DataFetchException($"--from: folder '{source}' not found");
        }

        var folder = Directory.CreateDirectory(FolderOf(set)).FullName;
        var fetched = new List<FetchedFile>();
        foreach (var file in set.Files)
        {
            var from = new[] { Path.Combine(source, file.Name), Path.Combine(source, set.Name, file.Name) }.FirstOrDefault(File.Exists)
                ?? throw new DataFetchException($"--from: '{Path.Combine(source, file.Name)}' not found (nor under {Path.Combine(source, set.Name)})");
            var target = Path.Combine(folder, file.Name);
            if (await MatchesAsync(target, file, cancellationToken).ConfigureAwait(false))
            {
                onProgress(file, file.Bytes);
                fetched.Add(new FetchedFile(file, target, FetchOutcome.AlreadyPresent));
                continue;
            }

            var partial = target + ".partial";
            await using (var input = File.OpenRead(from))
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                await CopyAsync(input, output, file, 0, onProgress, cancellationToken).ConfigureAwait(false);
            }
            await CommitAsync(file, partial, target, from, cancellationToken).ConfigureAwait(false);
            fetched.Add(new FetchedFile(file, target, FetchOutcome.Copied));
        }
        return fetched;
    }

    /// <summary>Whether <paramref name="path"/> exists with the catalogue's size and SHA-256.</summary>
    public static async Task<bool> MatchesAsync(string path, DataFile file, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        return info.Exists && info.Length == file.Bytes
            && string.Equals(await Sha256Async(path, cancellationToken).ConfigureAwait(false), file.Sha256, StringComparison.Ordinal);
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <returns>Whether the download continued an earlier partial file.</returns>
    private async Task<bool> DownloadAsync(DataFile file, string partial, Action<DataFile, long> onProgress, CancellationToken cancellationToken)
    {
        var resumed = false;
        for (var attempt = 1; ; attempt++)
        {
            var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            if (have > file.Bytes)
            {
                have = 0; // not a prefix of this file: start over
            }
            if (have == file.Bytes && have > 0)
            {
                return true; // an earlier run received every byte but stopped before checking it
            }

            onProgress(file, have);
            using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
            if (have > 0)
            {
                request.Headers.Range = new RangeHeaderValue(have, null);
            }

            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout;
                    var failure = new DataFetchException($"{file.Name}: {file.Url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                    if (!transient || attempt >= MaxAttempts)
                    {
                        throw failure;
                    }
                    continue;
                }

                // 206: the server continues where the partial file stops; 200: it sends the whole file again.
                var continuing = have > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                resumed |= continuing;
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var output = new FileStream(partial, continuing ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None);
                await CopyAsync(body, output, file, continuing ? have : 0, onProgress, cancellationToken).ConfigureAwait(false);
                return resumed;
            }
            catch (Exception error) when (IsDroppedConnection(error, cancellationToken) && attempt < MaxAttempts)
            {
                // The bytes received so far stay in the partial file; the next attempt asks for the rest.
            }
            catch (Exception error) when (IsDroppedConnection(error, cancellationToken))
            {
                var kept = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                throw new DataFetchException(
                    $"{file.Name}: the download from {file.Url} failed {MaxAttempts} times ({error.Message}); " +
                    (kept > 0 ? $"run the command again to resume from {kept} bytes, or " : "") + "copy the files offline with --from DIR", error);
            }
        }
    }

    private static bool IsDroppedConnection(Exception error, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && error is HttpRequestException or IOException or OperationCanceledException;

    /// <summary>Copies with a stall timeout: a read that brings nothing for <see cref="_stallTimeout"/> fails as a
    /// dropped connection instead of hanging.</summary>
    private async Task CopyAsync(Stream input, Stream output, DataFile file, long have, Action<DataFile, long> onProgress, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            stall.CancelAfter(_stallTimeout);
            var read = await input.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }
            have += read;
            if (have > file.Bytes)
            {
                throw new DataFetchException($"{file.Name}: received more than the catalogue's {file.Bytes} bytes from {file.Url}");
            }
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            onProgress(file, have);
        }
    }

    /// <summary>Checks size and SHA-256 of the finished partial file and moves it into place; a wrong file is deleted.</summary>
    private static async Task CommitAsync(DataFile file, string partial, string target, string origin, CancellationToken cancellationToken)
    {
        var length = new FileInfo(partial).Length;
        if (length != file.Bytes)
        {
            throw new DataFetchException($"{file.Name}: {origin} gave {length} bytes, the catalogue expects {file.Bytes}; run the command again to resume");
        }

        var actual = await Sha256Async(partial, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
        {
            File.Delete(partial);
            throw new DataFetchException($"{file.Name}: SHA-256 mismatch for {origin}: expected {file.Sha256}, got {actual} (the file was discarded)");
        }
        File.Move(partial, target, overwrite: true);
    }
}
