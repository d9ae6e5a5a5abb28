using System.Globalization;

namespace AgentRouter.Cli.Commands;

internal static class TokenIdList
{
    /// <summary>Parses "1,2,3"; anything else is a usage error naming the option.</summary>
    public static IReadOnlyList<int> Parse(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var ids = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw new CliUsageException($"{option}: '{part}' is not an integer token id (expected e.g. 1,2,3)");
            }
            ids.Add(id);
        }
        return ids;
    }
}
