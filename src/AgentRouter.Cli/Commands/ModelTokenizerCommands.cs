using System.CommandLine;
using System.Text.Json;
using AgentRouter.Inference.Templates;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Cli.Commands;

/// <summary>
/// <c>agentrouter model tokenize</c> and <c>model render-chat</c>: a checkpoint's tokenizer and chat template on
/// their own (only tokenizer.json / tokenizer_config.json are read, no weights).
/// </summary>
internal static class ModelTokenizerCommands
{
    public static Command BuildTokenize()
    {
        var directory = new Argument<string>("dir") { Description = "Folder holding tokenizer.json (and tokenizer_config.json)." };
        var text = new Option<string?>("--text") { Description = "Text to tokenize; prints one JSON array of ids." };
        var file = new Option<string?>("--file") { Description = "UTF-8 file; prints one JSON array of ids per line." };
        var addSpecial = new Option<bool>("--add-special-tokens") { Description = "Let the tokenizer's post-processor add its tokens (e.g. a BOS)." };
        var command = new Command("tokenize", "Print the token ids of text as JSON arrays, exactly as the Hugging Face tokenizer gives them.")
        {
            directory, text, file, addSpecial,
        };
        command.SetAction(parseResult => CliErrors.Guard(() => Tokenize(
            parseResult.GetValue(directory)!, parseResult.GetValue(text), parseResult.GetValue(file), parseResult.GetValue(addSpecial), Console.Out)));
        return command;
    }

    public static Command BuildRenderChat()
    {
        var directory = new Argument<string>("dir") { Description = "Folder holding tokenizer_config.json with a chat_template." };
        var messages = new Option<string>("--messages")
        {
            Description = "JSON file: an array of messages, or an object with 'messages' plus other template variables (tools, enable_thinking, …).",
            Required = true,
        };
        var addGenerationPrompt = new Option<bool>("--add-generation-prompt") { Description = "End with the assistant's turn opener." };
        var command = new Command("render-chat", "Print the chat template's rendering of a conversation exactly (no trailing newline added).")
        {
            directory, messages, addGenerationPrompt,
        };
        command.SetAction(parseResult => CliErrors.Guard(() => RenderChat(
            parseResult.GetValue(directory)!, parseResult.GetValue(messages)!, parseResult.GetValue(addGenerationPrompt), Console.Out)));
        return command;
    }

    internal static int Tokenize(string directory, string? text, string? file, bool addSpecialTokens, TextWriter output)
    {
        if ((text is null) == (file is null))
        {
            throw new CliUsageException("give exactly one of --text and --file");
        }
        var tokenizer = HuggingFaceTokenizer.FromDirectory(directory);
        var lines = text is not null ? [text] : ReadLines(file!);
        foreach (var line in lines)
        {
            output.WriteLine(JsonSerializer.Serialize(tokenizer.Encode(line, addSpecialTokens)));
        }
        return 0;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{path}: no such file");
        }
        // Lines split at \n; a \r before it stays part of the line, so every character is tokenized.
        var content = File.ReadAllText(path);
        var lines = content.Split('\n');
        return content.EndsWith('\n') ? lines[..^1] : lines;
    }

    internal static int RenderChat(string directory, string messagesPath, bool addGenerationPrompt, TextWriter output)
    {
        var configPath = Path.Combine(directory, HuggingFaceTokenizer.ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new TokenizerLoadException(configPath, "not found (the chat template lives in tokenizer_config.json)");
        }
        var config = TokenizerConfigFile.Load(configPath);
        if (config.ChatTemplate is null)
        {
            throw new TokenizerLoadException(configPath, "has no chat_template");
        }
        ChatTemplate template;
        try
        {
            template = ChatTemplate.Parse(config.ChatTemplate);
        }
        catch (ChatTemplateException exception)
        {
            throw new TokenizerLoadException(configPath, $"chat_template: {exception.Message}");
        }
        var variables = ReadVariables(messagesPath);
        variables.TryAdd("add_generation_prompt", addGenerationPrompt);
        if (config.BosToken is not null)
        {
            variables.TryAdd("bos_token", config.BosToken);
        }
        if (config.EosToken is not null)
        {
            variables.TryAdd("eos_token", config.EosToken);
        }
        try
        {
            output.Write(template.Render(variables));
        }
        catch (ChatTemplateException exception)
        {
            throw new CliUsageException($"{messagesPath}: {exception.Message}");
        }
        output.Flush();
        return 0;
    }

    private static Dictionary<string, object?> ReadVariables(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{path}: no such file");
        }
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new CliUsageException($"{path}: not valid JSON: {exception.Message}");
        }
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                variables["messages"] = root;
                break;
            case JsonValueKind.Object when root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array:
                foreach (var property in root.EnumerateObject())
                {
                    variables[property.Name] = property.Value;
                }
                break;
            default:
                throw new CliUsageException($"{path}: expected an array of messages or an object with a 'messages' array");
        }
        foreach (var message in ((JsonElement)variables["messages"]!).EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                throw new CliUsageException($"{path}: every message needs a string 'role'");
            }
        }
        return variables;
    }
}
