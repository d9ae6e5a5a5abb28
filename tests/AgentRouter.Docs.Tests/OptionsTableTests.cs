using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using AgentRouter.Cli;

namespace AgentRouter.Docs.Tests;

/// <summary>An options table in the docs (first header cell "option" or "flag") names the command it documents in a
/// marker comment above it, <c>&lt;!-- options: replay --&gt;</c>, and lists exactly that command's options as the
/// parser (and so <c>--help</c>) has them.</summary>
public sealed partial class OptionsTableTests
{
    [Fact]
    public void Every_options_table_lists_exactly_the_options_of_its_command()
    {
        var root = AgentRouterCli.Build();
        var failures = new List<string>();
        var tables = MarkdownDocs.Files().SelectMany(MarkdownDocs.Tables)
            .Where(table => table.Header.Count > 0 && Regex.IsMatch(table.Header[0], "^(option|flag)s?$", RegexOptions.IgnoreCase))
            .ToList();
        foreach (var table in tables)
        {
            if (table.Marker is not { } marker || !marker.StartsWith("options:", StringComparison.Ordinal))
            {
                failures.Add($"{table.File}:{table.Line}: options table without a '<!-- options: COMMAND -->' marker above it");
                continue;
            }

            var path = marker["options:".Length..].Trim();
            if (Find(root, path) is not { } command)
            {
                failures.Add($"{table.File}:{table.Line}: marker names 'agentrouter {path}', which is not a command");
                continue;
            }

            var documented = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (line, cells) in table.Rows)
            {
                foreach (Match flag in Flag().Matches(cells[0]))
                {
                    documented.TryAdd(flag.Value, line);
                }
            }

            var actual = command.Options.Where(option => option is not HelpOption and not VersionOption)
                .ToDictionary(option => option.Name, option => option, StringComparer.Ordinal);
            foreach (var (flag, line) in documented.Where(entry => !actual.ContainsKey(entry.Key) && !actual.Values.Any(option => option.Aliases.Contains(entry.Key))))
            {
                failures.Add($"{table.File}:{line}: {flag} is not an option of 'agentrouter {path}' (its options: {string.Join(", ", actual.Keys)})");
            }
            var missing = actual.Keys.Where(name => !documented.ContainsKey(name)).ToList();
            foreach (var name in missing)
            {
                failures.Add($"{table.File}:{table.Line}: 'agentrouter {path}' has {name} ({actual[name].Description}), missing from the table; its row:\n  {Row(actual[name])}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.NotEmpty(tables);
    }

    /// <summary>A table row for <paramref name="option"/> as the parser describes it, to paste into the docs.</summary>
    public static string Row(Option option)
    {
        var defaultValue = option.HasDefaultValue ? option.GetDefaultValue() : null;
        var shown = defaultValue switch
        {
            null => "none",
            bool flag => flag ? "on" : "off",
            IFormattable formattable => $"`{formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)}`",
            _ => $"`{defaultValue}`",
        };
        return $"| `{option.Name}` | {shown} | {option.Description} |";
    }

    internal static Command? Find(Command root, string path)
    {
        var command = root;
        foreach (var name in path.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            command = command.Subcommands.FirstOrDefault(sub => sub.Name == name);
            if (command is null)
            {
                return null;
            }
        }
        return command;
    }

    [GeneratedRegex("--[a-z0-9][a-z0-9-]*")]
    private static partial Regex Flag();
}
