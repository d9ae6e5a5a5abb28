namespace AgentRouter.Docs.Tests;

/// <summary>docs/policies.md names every preset shipped in policies/.</summary>
public sealed class PresetListTests
{
    [Fact]
    public void Every_shipped_preset_is_listed_in_the_policies_page()
    {
        var page = File.ReadAllText(Path.Combine(MarkdownDocs.Root, "docs", "policies.md"));
        var missing = Directory.GetFiles(Path.Combine(MarkdownDocs.Root, "policies"), "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(name => !page.Contains($"`{name}`", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, $"docs/policies.md does not list these presets of policies/: {string.Join(", ", missing)}");
    }
}
