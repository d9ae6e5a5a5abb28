using AgentRouter.Cli.Commands;
using AgentRouter.Inference.Tests.Tokenization;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Cli.Tests;

/// <summary>
/// <c>model tokenize</c> and <c>model render-chat</c> on the real Qwen3 tokenizer folder (npm cache), against ids
/// and a rendering from the reference goldens, and their bad-input errors.
/// </summary>
public sealed class ModelTokenizerCommandTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("agentrouter-tokenizer-cli-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static string Qwen3 => NpmPackageCache.TokenizerFolder("qwen3");

    private string Write(string name, string content)
    {
        var path = Path.Combine(_scratch, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Tokenize_prints_the_reference_ids_as_one_json_array_per_text_or_line()
    {
        var output = new StringWriter();
        Assert.Equal(0, ModelTokenizerCommands.Tokenize(Qwen3, "Hello, world!", null, false, output));
        Assert.Equal("[9707,11,1879,0]\n", output.ToString().ReplaceLineEndings("\n"));

        var lines = Write("lines.txt", "Hello, world!\n你好，世界！\n\n");
        output = new StringWriter();
        Assert.Equal(0, ModelTokenizerCommands.Tokenize(Qwen3, null, lines, false, output));
        Assert.Equal("[9707,11,1879,0]\n[108386,3837,99489,6313]\n[]\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Render_chat_prints_the_reference_rendering_exactly()
    {
        var messages = Write("messages.json", """[{"role": "user", "content": "Hello!"}]""");
        var output = new StringWriter();
        Assert.Equal(0, ModelTokenizerCommands.RenderChat(Qwen3, messages, addGenerationPrompt: true, output));
        Assert.Equal("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n", output.ToString());

        var withFlags = Write("flags.json", """{"messages": [{"role": "user", "content": "Quick answer please"}], "enable_thinking": false}""");
        output = new StringWriter();
        ModelTokenizerCommands.RenderChat(Qwen3, withFlags, addGenerationPrompt: true, output);
        Assert.Equal("<|im_start|>user\nQuick answer please<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", output.ToString());
    }

    [Fact]
    public void Bad_input_gives_errors_naming_the_file_and_the_problem()
    {
        Assert.Throws<CliUsageException>(() => ModelTokenizerCommands.Tokenize(Qwen3, "a", "b.txt", false, TextWriter.Null));
        Assert.Throws<CliUsageException>(() => ModelTokenizerCommands.Tokenize(Qwen3, null, Path.Combine(_scratch, "missing.txt"), false, TextWriter.Null));

        var folder = Directory.CreateDirectory(Path.Combine(_scratch, "wordpiece")).FullName;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), """{"model": {"type": "WordPiece", "vocab": {}}}""");
        var unknown = Assert.Throws<TokenizerLoadException>(() => ModelTokenizerCommands.Tokenize(folder, "a", null, false, TextWriter.Null));
        Assert.Contains("WordPiece", unknown.Message);
        Assert.EndsWith("tokenizer.json", unknown.FilePath);

        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"chat_template": "{% for m in messages %}{{ m.content }"}""");
        var messages = Write("m.json", """[{"role": "user", "content": "x"}]""");
        var syntax = Assert.Throws<TokenizerLoadException>(() => ModelTokenizerCommands.RenderChat(folder, messages, false, TextWriter.Null));
        Assert.Contains("line 1, column", syntax.Message);

        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"chat_template": "{% include 'x.jinja' %}"}""");
        var unsupported = Assert.Throws<TokenizerLoadException>(() => ModelTokenizerCommands.RenderChat(folder, messages, false, TextWriter.Null));
        Assert.Contains("'include' statement is not supported", unsupported.Message);

        var notMessages = Write("bad.json", """{"conversation": []}""");
        Assert.Throws<CliUsageException>(() => ModelTokenizerCommands.RenderChat(Qwen3, notMessages, false, TextWriter.Null));
    }
}
