using System.CommandLine;
using System.Globalization;
using AgentRouter.Cli.Data;
using Spectre.Console;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter data list|fetch</c>: the data sets too large to ship in the repository, fetched into a cache
/// folder from a catalogue of pinned URLs and SHA-256 digests (or copied from a local folder when offline).</summary>
internal static class DataCommands
{
    public static Command Build()
    {
        var command = new Command("data", "List and fetch data sets that are not shipped in the repository (catalogue of URLs + SHA-256, cache folder).");
        command.Subcommands.Add(BuildList());
        command.Subcommands.Add(BuildFetch());
        return command;
    }

    private static Option<string?> CatalogueOption() =>
        new("--catalogue") { Description = "A catalogue JSON file to use instead of the built-in one." };

    private static Option<string?> CacheOption() =>
        new("--cache") { Description = "Cache folder (default $AGENTROUTER_DATA_CACHE, else ~/.cache/agentrouter/data)." };

    private static Command BuildList()
    {
        var catalogue = CatalogueOption();
        var cache = CacheOption();
        var command = new Command("list", "List the catalogue's data sets, their size, licence note and whether they are in the cache.") { catalogue, cache };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var sets = LoadCatalogue(parse.GetValue(catalogue));
                var cacheRoot = parse.GetValue(cache) ?? DataFetcher.DefaultCacheRoot();
                foreach (var set in sets.Sets)
                {
                    var folder = DataFetcher.SetFolder(cacheRoot, set);
                    var present = 0;
                    foreach (var file in set.Files)
                    {
                        present += await DataFetcher.MatchesAsync(Path.Combine(folder, file.Name), file, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                    }
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{set.Name}: {set.Files.Count} files, {set.TotalBytes / 1e6:0.0} MB; cached {present}/{set.Files.Count} in {folder}"));
                    Console.WriteLine($"  {set.Description}");
                    Console.WriteLine($"  source: {set.Source}");
                    Console.WriteLine($"  licence: {set.Licence}");
                }
                return 0;
            }
            catch (DataCatalogueException error)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
                return CliErrors.BadInputExitCode;
            }
        });
        return command;
    }

    private static Command BuildFetch()
    {
        var name = new Argument<string>("name") { Description = "The data set (see 'data list'), e.g. open7b." };
        var from = new Option<string?>("--from") { Description = "Offline: copy the files from this folder (checked against the catalogue's SHA-256) instead of downloading." };
        var catalogue = CatalogueOption();
        var cache = CacheOption();
        var command = new Command("fetch", "Download a data set into the cache folder (resumable, SHA-256 checked) and print its folder.")
        {
            name, from, catalogue, cache,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DataSet set;
            try
            {
                set = LoadCatalogue(parse.GetValue(catalogue)).Find(parse.GetValue(name)!);
            }
            catch (DataCatalogueException error)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
                return CliErrors.BadInputExitCode;
            }

            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan }; // the fetcher's stall timeout bounds each read
            var fetcher = new DataFetcher(http, parse.GetValue(cache) ?? DataFetcher.DefaultCacheRoot());
            try
            {
                var fetched = await FetchWithProgressAsync(fetcher, set, parse.GetValue(from), cancellationToken).ConfigureAwait(false);
                var counts = fetched.GroupBy(file => file.Outcome).OrderBy(group => group.Key)
                    .Select(group => $"{group.Count()} {Describe(group.Key)}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{set.Name}: {fetched.Count} files, {set.TotalBytes / 1e6:0.0} MB, SHA-256 checked ({string.Join(", ", counts)}); licence: see 'data list'"));
                Console.WriteLine(fetcher.FolderOf(set));
                return 0;
            }
            catch (DataFetchException error)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static DataCatalogue LoadCatalogue(string? path) => path is null ? DataCatalogue.Embedded() : DataCatalogue.Load(path);

    private static string Describe(FetchOutcome outcome) => outcome switch
    {
        FetchOutcome.AlreadyPresent => "already in the cache",
        FetchOutcome.Downloaded => "downloaded",
        FetchOutcome.Resumed => "resumed",
        FetchOutcome.Copied => "copied",
        _ => outcome.ToString(),
    };

    /// <summary>One progress bar per file (bytes, speed); on a redirected console Spectre prints only the final state.</summary>
    private static Task<IReadOnlyList<FetchedFile>> FetchWithProgressAsync(DataFetcher fetcher, DataSet set, string? from, CancellationToken cancellationToken) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var tasks = set.Files.ToDictionary(file => file.Name, file => context.AddTask(file.Name, autoStart: false, maxValue: Math.Max(1, file.Bytes)));
                void Report(DataFile file, long bytes)
                {
                    var task = tasks[file.Name];
                    if (!task.IsStarted)
                    {
                        task.StartTask();
                    }
                    task.Value = bytes;
                }

                return from is null
                    ? await fetcher.FetchAsync(set, Report, cancellationToken).ConfigureAwait(false)
                    : await fetcher.CopyFromAsync(set, from, Report, cancellationToken).ConfigureAwait(false);
            });
}
