using System.Text;
using System.Text.RegularExpressions;

namespace AgentRouter.Docs.Tests;

/// <summary>One <c>agentrouter</c> invocation written in the docs: where, the shell line as written, and the
/// arguments the CLI would receive.</summary>
public sealed record DocumentedCommand(string File, int Line, string ShellLine, IReadOnlyList<string> Arguments, bool Inline = false)
{
    public override string ToString() => $"{File}:{Line}: agentrouter {string.Join(' ', Arguments)}";
}

/// <summary>Finds <c>agentrouter</c> invocations in the docs' shell blocks (<c>agentrouter …</c>,
/// <c>dotnet run --project src/AgentRouter.Cli … -- …</c>, <c>dotnet …/agentrouter.dll …</c>) with shell word rules:
/// quotes, backslash continuations, comments, <c>&amp;&amp;</c>/<c>;</c>/<c>|</c>, redirections and env prefixes.</summary>
public static partial class ShellCommands
{
    private static readonly HashSet<string> ShellLanguages = new(StringComparer.Ordinal) { "bash", "sh", "shell", "console", "text", "" };
    private static readonly HashSet<string> Separators = new(StringComparer.Ordinal) { "&&", "||", ";", "|", "&" };
    private static readonly HashSet<string> Prefixes = new(StringComparer.Ordinal) { "time", "nohup", "exec", "sudo", "env" };

    public static IEnumerable<DocumentedCommand> InBlock(CodeBlock block)
    {
        if (!ShellLanguages.Contains(block.Language))
        {
            yield break;
        }

        var lines = block.Code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var start = i;
            var logical = new StringBuilder(lines[i]);
            while (logical.Length > 0 && logical[^1] == '\\' && i + 1 < lines.Length)
            {
                logical.Length--;
                logical.Append(' ').Append(lines[++i]);
            }
            var text = logical.ToString().Trim();
            if (text.StartsWith("$ ", StringComparison.Ordinal))
            {
                text = text[2..];
            }
            foreach (var command in Invocations(Words(text)))
            {
                yield return new DocumentedCommand(block.File, block.Line + start, text, command);
            }
        }
    }

    /// <summary>An inline span such as <c>`agentrouter node --roles models …`</c>, when it is a whole command (no
    /// placeholders or ellipses).</summary>
    public static DocumentedCommand? InlineSpan(string file, int line, string code)
    {
        if (!code.StartsWith("agentrouter ", StringComparison.Ordinal) || code.IndexOfAny(['…', '<', '[', '|', '{']) >= 0 || code.Contains("...", StringComparison.Ordinal))
        {
            return null;
        }
        return Invocations(Words(code)).Select(arguments => new DocumentedCommand(file, line, code, arguments, Inline: true)).FirstOrDefault();
    }

    private static IEnumerable<IReadOnlyList<string>> Invocations(List<(string Word, bool Quoted)> words)
    {
        var segment = new List<string>();
        foreach (var (word, quoted) in words.Append(("&&", false)))
        {
            if (!quoted && Separators.Contains(word))
            {
                if (Invocation(segment) is { } arguments)
                {
                    yield return arguments;
                }
                segment.Clear();
                continue;
            }
            segment.Add(word);
        }
    }

    /// <summary>The arguments agentrouter receives, or null when the segment does not run it.</summary>
    private static List<string>? Invocation(List<string> words)
    {
        var k = 0;
        while (k < words.Count && (Prefixes.Contains(words[k]) || IsAssignment(words[k])))
        {
            k++;
        }
        if (k < words.Count && words[k] == "timeout")
        {
            k += 2;
        }
        if (k >= words.Count)
        {
            return null;
        }

        List<string>? arguments = null;
        if (words[k] is "agentrouter" or "./agentrouter")
        {
            arguments = words[(k + 1)..];
        }
        else if (words[k] == "dotnet" && k + 1 < words.Count)
        {
            if (words[k + 1] == "run" && words.Skip(k).Any(word => word.Contains("AgentRouter.Cli", StringComparison.Ordinal)))
            {
                var separator = words.IndexOf("--", k);
                arguments = separator < 0 ? [] : words[(separator + 1)..];
            }
            else if (words[k + 1].EndsWith("agentrouter.dll", StringComparison.Ordinal))
            {
                arguments = words[(k + 2)..];
            }
        }
        return arguments is null ? null : WithoutRedirections(arguments);
    }

    private static bool IsAssignment(string word) => word.Length > 1 && word.IndexOf('=') > 0 && !word.StartsWith('-') && char.IsLetter(word[0]);

    private static List<string> WithoutRedirections(List<string> words)
    {
        var kept = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (Redirection().Match(words[i]) is { Success: true } redirection)
            {
                if (redirection.Groups["target"].Length == 0)
                {
                    i++; // "> file": the target is the next word
                }
                continue;
            }
            kept.Add(words[i]);
        }
        return kept;
    }

    [GeneratedRegex("^[0-9]*(>>|>|<|&>)(?<target>.*)$")]
    private static partial Regex Redirection();

    /// <summary>Shell words: quotes group and are removed, backslash escapes, an unquoted '#' after a blank starts a
    /// comment; separators (&amp;&amp;, ||, ;, |, &amp;) become words of their own.</summary>
    public static List<(string Word, bool Quoted)> Words(string line)
    {
        var words = new List<(string, bool)>();
        var word = new StringBuilder();
        var quoted = false;
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '\'' or '"')
            {
                var close = line.IndexOf(c, i + 1);
                if (close < 0)
                {
                    close = line.Length;
                }
                word.Append(line, i + 1, close - i - 1);
                i = close;
                quoted = inWord = true;
                continue;
            }
            if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
                inWord = true;
                continue;
            }
            if (c == '#' && !inWord)
            {
                break;
            }
            // '2>&1' and '&>file' are redirections, not separators: the '&' stays in the word.
            if (c == '&' && (word.Length > 0 && word[^1] == '>' || i + 1 < line.Length && line[i + 1] == '>'))
            {
                word.Append(c);
                inWord = true;
                continue;
            }
            if (char.IsWhiteSpace(c) || c is ';' or '|' or '&')
            {
                Flush();
                if (!char.IsWhiteSpace(c))
                {
                    var op = c.ToString();
                    if (i + 1 < line.Length && line[i + 1] == c && c != ';')
                    {
                        op += c;
                        i++;
                    }
                    words.Add((op, false));
                }
                continue;
            }
            word.Append(c);
            inWord = true;
        }
        Flush();
        return words;

        void Flush()
        {
            if (inWord)
            {
                words.Add((word.ToString(), quoted));
            }
            word.Clear();
            quoted = inWord = false;
        }
    }

    public static IEnumerable<DocumentedCommand> All() =>
        MarkdownDocs.AllCodeBlocks().SelectMany(InBlock)
            .Concat(MarkdownDocs.Files().SelectMany(MarkdownDocs.InlineCode)
                .Select(span => InlineSpan(span.File, span.Line, span.Code))
                .OfType<DocumentedCommand>());
}
