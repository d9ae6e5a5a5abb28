using System.Security.Cryptography;
using System.Text;
using AgentRouter.Cli.Data;

namespace AgentRouter.Cli.Tests;

/// <summary><c>data fetch</c> against a real HTTP server on loopback: downloads, SHA-256 checks, resuming after a
/// dropped connection or an interrupted earlier run, offline copies, and the built-in catalogue itself.</summary>
public sealed class DataFetchTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("agentrouter-data-").FullName;
    private LoopbackFileServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackFileServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static byte[] Contents(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private DataFile Serve(string name, byte[] contents, bool dropFirstResponseHalfWay = false)
    {
        _server.Add(name, contents, dropFirstResponseHalfWay);
        return new DataFile(name, _server.UrlOf(name), contents.Length, Convert.ToHexStringLower(SHA256.HashData(contents)));
    }

    private DataFetcher Fetcher(HttpClient http) => new(http, Path.Combine(_root, "cache"));

    private static readonly Action<DataFile, long> Quiet = (_, _) => { };

    [Fact]
    public async Task Fetch_downloads_every_file_with_progress_and_a_second_fetch_finds_them_in_the_cache()
    {
        var a = Contents(300_000, 1);
        var b = Contents(1_000, 2);
        var set = new DataSet("demo", "d", "s", "l", [Serve("a.json", a), Serve("b.csv", b)]);
        using var http = new HttpClient();
        var fetcher = Fetcher(http);
        var progress = new Dictionary<string, long>();

        var first = await fetcher.FetchAsync(set, (file, bytes) => progress[file.Name] = bytes, CancellationToken.None);

        Assert.All(first, file => Assert.Equal(FetchOutcome.Downloaded, file.Outcome));
        Assert.Equal(a, await File.ReadAllBytesAsync(Path.Combine(fetcher.FolderOf(set), "a.json")));
        Assert.Equal(b, await File.ReadAllBytesAsync(Path.Combine(fetcher.FolderOf(set), "b.csv")));
        Assert.Equal(a.Length, progress["a.json"]);
        Assert.Empty(Directory.GetFiles(fetcher.FolderOf(set), "*.partial"));

        var requestsBefore = _server.Requests.Count;
        var second = await fetcher.FetchAsync(set, Quiet, CancellationToken.None);
        Assert.All(second, file => Assert.Equal(FetchOutcome.AlreadyPresent, file.Outcome));
        Assert.Equal(requestsBefore, _server.Requests.Count);
    }

    [Fact]
    public async Task A_connection_dropped_half_way_is_resumed_with_a_range_request_for_the_rest()
    {
        var contents = Contents(400_000, 3);
        var set = new DataSet("demo", "d", "s", "l", [Serve("big.json", contents, dropFirstResponseHalfWay: true)]);
        using var http = new HttpClient();
        var fetcher = Fetcher(http);

        var fetched = await fetcher.FetchAsync(set, Quiet, CancellationToken.None);

        Assert.Equal(FetchOutcome.Resumed, Assert.Single(fetched).Outcome);
        Assert.Equal(contents, await File.ReadAllBytesAsync(fetched[0].Path));
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("", requests[0].Range);
        Assert.StartsWith("bytes=", requests[1].Range, StringComparison.Ordinal);
        var resumedAt = long.Parse(requests[1].Range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedAt, 1, contents.Length - 1);
    }

    [Fact]
    public async Task A_partial_file_left_by_an_interrupted_run_is_continued_not_restarted()
    {
        var contents = Contents(50_000, 4);
        var set = new DataSet("demo", "d", "s", "l", [Serve("x.csv", contents)]);
        using var http = new HttpClient();
        var fetcher = Fetcher(http);
        Directory.CreateDirectory(fetcher.FolderOf(set));
        await File.WriteAllBytesAsync(Path.Combine(fetcher.FolderOf(set), "x.csv.partial"), contents[..20_000]);

        var fetched = await fetcher.FetchAsync(set, Quiet, CancellationToken.None);

        Assert.Equal(FetchOutcome.Resumed, Assert.Single(fetched).Outcome);
        Assert.Equal(contents, await File.ReadAllBytesAsync(fetched[0].Path));
        Assert.Equal(("x.csv", "bytes=20000-"), Assert.Single(_server.Requests));
    }

    [Fact]
    public async Task A_file_whose_sha256_differs_from_the_catalogue_is_discarded_with_an_error_naming_it()
    {
        var served = Serve("y.json", Contents(10_000, 5));
        var wrong = served with { Sha256 = new string('0', 64) };
        var set = new DataSet("demo", "d", "s", "l", [wrong]);
        using var http = new HttpClient();
        var fetcher = Fetcher(http);

        var error = await Assert.ThrowsAsync<DataFetchException>(() => fetcher.FetchAsync(set, Quiet, CancellationToken.None));

        Assert.Contains("y.json: SHA-256 mismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains(served.Sha256, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(fetcher.FolderOf(set)));
    }

    [Fact]
    public async Task A_missing_file_on_the_server_fails_with_the_status_and_the_url()
    {
        var set = new DataSet("demo", "d", "s", "l", [new DataFile("gone.json", _server.UrlOf("gone.json"), 10, new string('a', 64))]);
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<DataFetchException>(() => Fetcher(http).FetchAsync(set, Quiet, CancellationToken.None));

        Assert.Contains("gone.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", error.Message, StringComparison.Ordinal);
        Assert.Single(_server.Requests); // a 404 is not retried
    }

    [Fact]
    public async Task Offline_from_a_folder_copies_and_checks_each_file_and_names_a_missing_one()
    {
        var contents = Contents(5_000, 6);
        var source = Directory.CreateDirectory(Path.Combine(_root, "usb")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(source, "z.json"), contents);
        var file = Serve("z.json", contents);
        var set = new DataSet("demo", "d", "s", "l", [file]);
        using var http = new HttpClient();
        var fetcher = Fetcher(http);

        var copied = await fetcher.CopyFromAsync(set, source, Quiet, CancellationToken.None);

        Assert.Equal(FetchOutcome.Copied, Assert.Single(copied).Outcome);
        Assert.Equal(contents, await File.ReadAllBytesAsync(copied[0].Path));
        Assert.Empty(_server.Requests); // offline means offline

        var incomplete = set with { Files = [file, file with { Name = "absent.json" }] };
        var error = await Assert.ThrowsAsync<DataFetchException>(() => fetcher.CopyFromAsync(incomplete, source, Quiet, CancellationToken.None));
        Assert.Contains(Path.Combine(source, "absent.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_catalogue_lists_open7b_with_pinned_urls_and_matches_the_shared_copy_where_present()
    {
        var catalogue = DataCatalogue.Embedded();
        var open7b = catalogue.Find("open7b");

        Assert.Equal(10, open7b.Files.Count);
        Assert.All(open7b.Files, file => Assert.Contains("/0e63989c5bf4363330b8a4616386e3f7f116d9f8/", file.Url.AbsolutePath, StringComparison.Ordinal));
        var shared = Path.Combine(RepositoryRoot(), "..", "shared", "data", "open7b");
        foreach (var file in open7b.Files.Where(file => File.Exists(Path.Combine(shared, file.Name))))
        {
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(shared, file.Name)))));
        }

        // The RouterBench set is the same bytes as the copy shipped in data/routerbench.
        foreach (var file in catalogue.Find("routerbench-arc").Files)
        {
            var shipped = Path.Combine(RepositoryRoot(), "data", "routerbench", file.Name);
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(shipped))));
        }
    }

    [Theory]
    [InlineData("""{"sets":[{"name":"a","description":"d","source":"s","licence":"l","files":[{"name":"../x","url":"https://e/x","bytes":1,"sha256":"%SHA%"}]}]}""", "sets[0].files[0].name")]
    [InlineData("""{"sets":[{"name":"a","description":"d","source":"s","licence":"l","files":[{"name":"x","url":"ftp://e/x","bytes":1,"sha256":"%SHA%"}]}]}""", "sets[0].files[0].url")]
    [InlineData("""{"sets":[{"name":"a","description":"d","source":"s","licence":"l","files":[{"name":"x","url":"https://e/x","bytes":-1,"sha256":"%SHA%"}]}]}""", "sets[0].files[0].bytes")]
    [InlineData("""{"sets":[{"name":"a","description":"d","source":"s","licence":"l","files":[{"name":"x","url":"https://e/x","bytes":1,"sha256":"abc"}]}]}""", "sets[0].files[0].sha256")]
    [InlineData("""{"sets":[{"description":"d","source":"s","licence":"l","files":[]}]}""", "sets[0].name")]
    [InlineData("""{"sets":{}}""", "$.sets")]
    [InlineData("""{"sets":[""", "not valid JSON")]
    public void A_bad_catalogue_is_refused_naming_the_file_and_the_field(string json, string field)
    {
        var path = Path.Combine(_root, "catalogue.json");
        File.WriteAllText(path, json.Replace("%SHA%", new string('f', 64), StringComparison.Ordinal), Encoding.UTF8);

        var error = Assert.Throws<DataCatalogueException>(() => DataCatalogue.Load(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"AgentRouter.sln not found above {AppContext.BaseDirectory}");
    }
}
