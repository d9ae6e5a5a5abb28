using System.Text.Json;
using AgentRouter.Inference.Templates;
using AgentRouter.Inference.Tests.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Inference.Tests.Templates;

/// <summary>
/// Done-when "Template parity": every template × conversation × add_generation_prompt renders byte-identically to
/// @huggingface/jinja 0.5.13 (goldens by tools/parity/make-template-goldens.mjs), and where the reference refuses a
/// conversation (raise_exception, null content) the renderer refuses it too.
/// </summary>
public sealed class TemplateParityTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Templates", "Parity");

    public static TheoryData<string> TemplateNames => new() { "qwen3", "llama3", "deepseek_v3", "chatml", "mistral", "mistral-tools" };

    [Theory]
    [MemberData(nameof(TemplateNames))]
    public void RendersEveryConversationByteIdenticallyToTheReference(string templateName)
    {
        var (source, bos, eos) = LoadTemplate(templateName);
        var template = ChatTemplate.Parse(source);
        using var conversations = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "conversations.json")));
        var byName = conversations.RootElement.GetProperty("conversations").EnumerateArray().ToDictionary(entry => entry.GetProperty("name").GetString()!);
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "golden.json")));
        var cases = golden.RootElement.GetProperty("renderings").EnumerateArray().Where(entry => entry.GetProperty("template").GetString() == templateName).ToList();
        Assert.True(byName.Count >= 30, $"only {byName.Count} conversations");
        Assert.Equal(byName.Count * 2, cases.Count);

        var failures = new List<string>();
        var identical = 0;
        foreach (var entry in cases)
        {
            var conversation = byName[entry.GetProperty("conversation").GetString()!];
            var variables = new Dictionary<string, object?>
            {
                ["messages"] = conversation.GetProperty("messages"),
                ["add_generation_prompt"] = entry.GetProperty("add_generation_prompt").GetBoolean(),
                ["bos_token"] = bos,
                ["eos_token"] = eos,
            };
            if (conversation.TryGetProperty("variables", out var extra))
            {
                foreach (var property in extra.EnumerateObject())
                {
                    variables[property.Name] = property.Value;
                }
            }
            if (conversation.TryGetProperty("tools", out var tools))
            {
                variables["tools"] = tools;
            }
            var label = $"{conversation.GetProperty("name").GetString()} (add_generation_prompt={entry.GetProperty("add_generation_prompt").GetBoolean()})";
            if (entry.TryGetProperty("error", out var error))
            {
                var thrown = Record.Exception(() => template.Render(variables));
                if (thrown is not ChatTemplateException { Kind: ChatTemplateErrorKind.Render })
                {
                    failures.Add($"{label}: the reference fails ({error.GetString()}) but this gave {thrown?.GetType().Name ?? "a rendering"}");
                }
                continue;
            }
            var expected = entry.GetProperty("rendering").GetString()!;
            try
            {
                var actual = template.Render(variables);
                if (actual == expected)
                {
                    identical++;
                }
                else
                {
                    var at = Enumerable.Range(0, Math.Min(actual.Length, expected.Length)).FirstOrDefault(index => actual[index] != expected[index], Math.Min(actual.Length, expected.Length));
                    failures.Add($"{label}: differs at {at}: expected «{Excerpt(expected, at)}» got «{Excerpt(actual, at)}»");
                }
            }
            catch (ChatTemplateException exception)
            {
                failures.Add($"{label}: {exception.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{templateName}: {identical} identical, {failures.Count} failing:\n{string.Join('\n', failures.Take(8))}");
        Assert.Equal(cases.Count(entry => entry.TryGetProperty("rendering", out _)), identical);
    }

    private static string Excerpt(string text, int at) => text.Substring(Math.Max(0, at - 20), Math.Min(60, text.Length - Math.Max(0, at - 20))).ReplaceLineEndings("⏎");

    internal static (string Source, string Bos, string Eos) LoadTemplate(string name)
    {
        if (name is "qwen3" or "llama3" or "deepseek_v3")
        {
            var config = TokenizerConfigFile.Load(Path.Combine(NpmPackageCache.TokenizerFolder(name), "tokenizer_config.json"));
            return (config.ChatTemplate!, config.BosToken ?? "", config.EosToken ?? "");
        }
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "templates.json")));
        var entry = written.RootElement.GetProperty("written").GetProperty(name);
        return (entry.GetProperty("template").GetString()!, entry.GetProperty("bos_token").GetString()!, entry.GetProperty("eos_token").GetString()!);
    }
}
