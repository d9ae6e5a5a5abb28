using System.Text.RegularExpressions;

namespace AgentRouter.Core.Merging;

/// <summary>Reads the answer options ("A) …", "B. …") of the last question in a prompt. Few-shot prompts
/// (RouterBench) hold earlier solved questions separated by blank lines, so only the last block counts;
/// ARC questions have three to five options, so this is read per query rather than assumed.</summary>
public static partial class OptionLetters
{
    /// <returns>The letters in order ("A".."E"), or null when the prompt has fewer than two options.</returns>
    public static IReadOnlyList<string>? FromPrompt(string prompt)
    {
        var trimmed = prompt.AsSpan().TrimEnd();
        var blockStart = trimmed.LastIndexOf("\n\n", StringComparison.Ordinal);
        var block = blockStart < 0 ? trimmed : trimmed[(blockStart + 2)..];
        List<string>? letters = null;
        foreach (var line in OptionLine().EnumerateMatches(block))
        {
            // The match is "A) " or "(A) ": the letter is the first letter in it.
            var letter = block[line.Index] == '(' ? block[line.Index + 1] : block[line.Index];
            letters ??= [];
            if (letter != (char)('A' + letters.Count))
            {
                break;
            }

            letters.Add(Letters[letter - 'A']);
        }

        return letters is { Count: >= 2 } ? letters : null;
    }

    private static readonly string[] Letters = Enumerable.Range(0, 10).Select(i => ((char)('A' + i)).ToString()).ToArray();

    [GeneratedRegex(@"^\(?[A-J][).]\s", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex OptionLine();
}
