using System.Text;
using System.Text.RegularExpressions;

namespace AgentRouter.Docs.Tests;

/// <summary>A fenced code block: the file (relative to the repository), the line of its first code line (1-based),
/// its language and the HTML comment marker on the line just above the fence, if any (e.g. <c>snippet: compile-only</c>).</summary>
public sealed record CodeBlock(string File, int Line, string Language, string Code, string? Marker)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>A Markdown table: the line of its header row, its marker (the nearest HTML comment above it, blank lines
/// allowed), the header cells and each row's line and cells.</summary>
public sealed record MarkdownTable(string File, int Line, string? Marker, IReadOnlyList<string> Header, IReadOnlyList<(int Line, IReadOnlyList<string> Cells)> Rows);

/// <summary>Reads every Markdown file of the repository (README.md, docs/, data/, agents/, deploy/, samples/).</summary>
public static partial class MarkdownDocs
{
    private static readonly string[] SkippedFolders = ["bin", "obj", ".git", "node_modules", "reports", "artifacts", "TestResults", "BenchmarkDotNet.Artifacts", ".cluster-local"];

    public static string Root { get; } = FindRepositoryRoot();

    /// <summary>Repository-relative paths (with '/') of every Markdown file a reader may follow.</summary>
    public static IReadOnlyList<string> Files() =>
        Directory.EnumerateFiles(Root, "*.md", new EnumerationOptions { RecurseSubdirectories = true })
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(SkippedFolders.Contains))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string[] Lines(string file) => File.ReadAllText(Path.Combine(Root, file)).ReplaceLineEndings("\n").Split('\n');

    public static IEnumerable<CodeBlock> CodeBlocks(string file)
    {
        var lines = Lines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var opening = lines[i].TrimStart();
            if (!opening.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var indent = lines[i].Length - opening.Length;
            var language = opening[3..].Trim().Split(' ', 2)[0].ToLowerInvariant();
            var code = new StringBuilder();
            var start = i + 1;
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                code.Append(lines[i].Length >= indent && string.IsNullOrWhiteSpace(lines[i][..indent]) ? lines[i][indent..] : lines[i].TrimStart()).Append('\n');
            }
            yield return new CodeBlock(file, start + 1, language, code.ToString(), MarkerAbove(lines, start - 1));
        }
    }

    public static IEnumerable<CodeBlock> AllCodeBlocks() => Files().SelectMany(CodeBlocks);

    /// <summary>Inline code spans (`…`) outside fenced blocks, with their line.</summary>
    public static IEnumerable<(string File, int Line, string Code)> InlineCode(string file)
    {
        var lines = Lines(file);
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (!fenced)
            {
                foreach (Match span in InlineSpan().Matches(lines[i]))
                {
                    yield return (file, i + 1, span.Groups["code"].Value);
                }
            }
        }
    }

    public static IEnumerable<MarkdownTable> Tables(string file)
    {
        var lines = Lines(file);
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
            }
            if (fenced || !IsRow(lines[i]) || i + 1 >= lines.Length || !DelimiterRow().IsMatch(lines[i + 1]))
            {
                continue;
            }

            var header = Cells(lines[i]);
            var rows = new List<(int, IReadOnlyList<string>)>();
            var j = i + 2;
            for (; j < lines.Length && IsRow(lines[j]); j++)
            {
                rows.Add((j + 1, Cells(lines[j])));
            }
            yield return new MarkdownTable(file, i + 1, MarkerAbove(lines, i), header, rows);
            i = j - 1;
        }
    }

    private static bool IsRow(string line) => line.TrimStart().StartsWith('|');

    /// <summary>Cells of a table row; a '|' inside a code span does not split.</summary>
    private static List<string> Cells(string row)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var inCode = false;
        var text = row.Trim().Trim('|');
        for (var k = 0; k < text.Length; k++)
        {
            var c = text[k];
            if (c == '`')
            {
                inCode = !inCode;
            }
            if (c == '|' && !inCode && (k == 0 || text[k - 1] != '\\'))
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
                continue;
            }
            cell.Append(c);
        }
        cells.Add(cell.ToString().Trim());
        return cells;
    }

    /// <summary>The HTML comment on the nearest non-blank line above <paramref name="index"/>, without its delimiters.</summary>
    private static string? MarkerAbove(string[] lines, int index)
    {
        for (var k = index - 1; k >= 0; k--)
        {
            var line = lines[k].Trim();
            if (line.Length == 0)
            {
                continue;
            }
            return line.StartsWith("<!--", StringComparison.Ordinal) && line.EndsWith("-->", StringComparison.Ordinal) ? line[4..^3].Trim() : null;
        }
        return null;
    }

    private static string FindRepositoryRoot()
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

    [GeneratedRegex("`(?<code>[^`]+)`")]
    private static partial Regex InlineSpan();

    [GeneratedRegex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")]
    private static partial Regex DelimiterRow();
}
