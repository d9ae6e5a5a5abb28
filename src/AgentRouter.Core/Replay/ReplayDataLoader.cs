namespace AgentRouter.Core.Replay;

/// <summary>Opens a replay data file in the named format, or guesses it: ".csv" is RouterBench, ".json" is
/// open7b, anything else is open7b when its first non-blank character is '['.</summary>
public static class ReplayDataLoader
{
    public static IReadOnlyList<string> Formats { get; } = ["auto", "routerbench", "open7b"];

    /// <exception cref="ReplayDataException">The file is missing, unreadable or bad.</exception>
    /// <exception cref="ArgumentException">The format name is unknown.</exception>
    public static ReplayWorkload Load(string path, string format, ReplayReadOptions options)
    {
        if (!File.Exists(path))
        {
            throw new ReplayDataException(path, 0, null, "file not found");
        }

        var resolved = format.ToLowerInvariant() switch
        {
            "auto" => Detect(path),
            "routerbench" or "open7b" => format.ToLowerInvariant(),
            _ => throw new ArgumentException($"Unknown format '{format}'. Known formats: {string.Join(", ", Formats)}.", nameof(format)),
        };

        return resolved == "routerbench" ? RouterBenchReader.Read(path, options) : Open7bReader.Read(path, options);
    }

    private static string Detect(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".csv")
        {
            return "routerbench";
        }

        if (extension == ".json")
        {
            return "open7b";
        }

        using var reader = new StreamReader(RouterBenchReader.OpenFile(path));
        int next;
        while ((next = reader.Read()) >= 0 && char.IsWhiteSpace((char)next))
        {
        }

        return next == '[' ? "open7b" : "routerbench";
    }
}
