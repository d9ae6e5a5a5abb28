using System.Text.Json;

namespace AgentRouter.Cli.Data;

/// <summary>One file of a data set: where it is fetched from and what it must be.</summary>
internal sealed record DataFile(string Name, Uri Url, long Bytes, string Sha256);

/// <summary>A named data set that <c>agentrouter data fetch NAME</c> brings into the cache folder.</summary>
internal sealed record DataSet(string Name, string Description, string Source, string Licence, IReadOnlyList<DataFile> Files)
{
    public long TotalBytes => Files.Sum(file => file.Bytes);
}

/// <summary>A catalogue file (JSON) or its contents is wrong; the message names the file and the field.</summary>
internal sealed class DataCatalogueException(string message) : Exception(message);

/// <summary>The catalogue of fetchable data sets: URLs pinned to a commit, sizes and SHA-256 digests. The shipped one
/// is embedded in the tool (<c>Data/catalogue.json</c>), so an installed <c>agentrouter</c> needs no repository.</summary>
internal sealed class DataCatalogue
{
    private const string EmbeddedName = "AgentRouter.Cli.Data.catalogue.json";

    private DataCatalogue(IReadOnlyList<DataSet> sets) => Sets = sets;

    public IReadOnlyList<DataSet> Sets { get; }

    public static DataCatalogue Embedded()
    {
        using var stream = typeof(DataCatalogue).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"the embedded resource {EmbeddedName} is missing from the build");
        return Parse(stream, "catalogue.json (embedded)");
    }

    public static DataCatalogue Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataCatalogueException($"{path}: catalogue file not found");
        }
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>The set named <paramref name="name"/>; throws naming the known sets when there is none.</summary>
    public DataSet Find(string name) =>
        Sets.FirstOrDefault(set => string.Equals(set.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new DataCatalogueException($"unknown data set '{name}' (known: {string.Join(", ", Sets.Select(set => set.Name))})");

    public static DataCatalogue Parse(Stream json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new DataCatalogueException($"{source}: not valid JSON ({error.Message})");
        }

        using (document)
        {
            var sets = Array(document.RootElement, "sets", source, "$");
            var result = new List<DataSet>();
            for (var i = 0; i < sets.Count; i++)
            {
                var path = $"sets[{i}]";
                var set = sets[i];
                var files = Array(set, "files", source, path);
                var parsed = new List<DataFile>();
                for (var j = 0; j < files.Count; j++)
                {
                    parsed.Add(ParseFile(files[j], source, $"{path}.files[{j}]"));
                }

                var name = Text(set, "name", source, path);
                if (result.Any(existing => string.Equals(existing.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new DataCatalogueException($"{source}: {path}.name: '{name}' appears twice");
                }
                result.Add(new DataSet(name, Text(set, "description", source, path), Text(set, "source", source, path),
                    Text(set, "licence", source, path), parsed));
            }
            return new DataCatalogue(result);
        }
    }

    private static DataFile ParseFile(JsonElement file, string source, string path)
    {
        var name = Text(file, "name", source, path);
        if (name != Path.GetFileName(name) || name is "." or "..")
        {
            throw new DataCatalogueException($"{source}: {path}.name: '{name}' must be a plain file name");
        }

        var url = Text(file, "url", source, path);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new DataCatalogueException($"{source}: {path}.url: '{url}' is not an http(s) URL");
        }

        if (!file.TryGetProperty("bytes", out var bytes) || bytes.ValueKind != JsonValueKind.Number || !bytes.TryGetInt64(out var size) || size < 0)
        {
            throw new DataCatalogueException($"{source}: {path}.bytes: a non-negative whole number is required");
        }

        var sha = Text(file, "sha256", source, path);
        if (sha.Length != 64 || !sha.All(Uri.IsHexDigit))
        {
            throw new DataCatalogueException($"{source}: {path}.sha256: 64 hexadecimal digits are required");
        }
        return new DataFile(name, uri, size, sha.ToLowerInvariant());
    }

    private static string Text(JsonElement element, string field, string source, string path) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value)
            && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new DataCatalogueException($"{source}: {path}.{field}: a non-empty string is required");

    private static List<JsonElement> Array(JsonElement element, string field, string source, string path) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().ToList()
            : throw new DataCatalogueException($"{source}: {path}.{field}: an array is required");
}
