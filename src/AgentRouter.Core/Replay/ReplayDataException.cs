namespace AgentRouter.Core.Replay;

/// <summary>Replay input that cannot be used as it is. The message always names the file, the line
/// (1-based, the line where the offending record starts) and the field, so the user can fix the data.</summary>
public sealed class ReplayDataException : Exception
{
    public ReplayDataException(string file, long line, string? field, string problem, Exception? inner = null)
        : base(Format(file, line, field, problem), inner)
    {
        File = file;
        Line = line;
        Field = field;
        Problem = problem;
    }

    public string File { get; }

    /// <summary>1-based line number; 0 when the problem concerns the file as a whole.</summary>
    public long Line { get; }

    /// <summary>The column or JSON property at fault; null when the whole record or file is.</summary>
    public string? Field { get; }

    public string Problem { get; }

    private static string Format(string file, long line, string? field, string problem)
    {
        var where = line > 0 ? $"{file}:{line}" : file;
        return field is null ? $"{where}: {problem}" : $"{where}: field '{field}': {problem}";
    }
}
