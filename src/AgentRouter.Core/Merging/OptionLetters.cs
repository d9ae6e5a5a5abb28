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
        var trimmed = prompt.TrimEnd();
        var blockStart = trimmed.LastIndexOf("\n\n", StringComparison.Ordinal);
        var block = blockStart < 0 ? trimmed : trimmed[(blockStart + 2)..];
        var letters = new List<string>();
        foreach (Match line in OptionLine().Matches(block))
        {
            var letter = line.Groups["letter"].Value;
            if (letter[0] != (char)('A' + letters.Count))
            {
                break;
            }

            letters.Add(letter);
        }

        return letters.Count >= 2 ? letters : null;
    }

    [GeneratedRegex(@"^\(?(?<letter>[A-J])[).]\s", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex OptionLine();
}
