namespace AgentRouter.Core.Suite;

/// <summary>A suite JSONL line that does not hold a valid item.</summary>
/// <param name="Source">The file name (or "&lt;stdin&gt;").</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Field">The offending field, or null when the line is not a JSON object at all.</param>
public sealed class SuiteFormatException(string source, int line, string? field, string problem)
    : FormatException(field is null ? $"{source} line {line}: {problem}" : $"{source} line {line}, field '{field}': {problem}")
{
    public string SourceName { get; } = source;

    public int Line { get; } = line;

    public string? Field { get; } = field;

    public string Problem { get; } = problem;
}
