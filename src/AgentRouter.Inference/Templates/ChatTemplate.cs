using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentRouter.Inference.Templates;

/// <summary>
/// A chat template (the Jinja in tokenizer_config.json's <c>chat_template</c>) parsed once and rendered many times,
/// byte-identical to @huggingface/jinja 0.5.13 (what transformers.js uses; see docs/TOKENIZERS.md). Managed: no
/// JavaScript engine at run time. Thread-safe: each render has its own scope.
/// <code>
/// var template = ChatTemplate.Parse(tokenizer.ChatTemplate!);
/// var prompt = template.Render(
///     [new ChatTemplateMessage("system", "Be brief."), new ChatTemplateMessage("user", "Hi!")],
///     new ChatTemplateOptions { AddGenerationPrompt = true, Variables = { ["enable_thinking"] = false } });
/// </code>
/// </summary>
public sealed class ChatTemplate
{
    private readonly TemplateBody _body;

    private ChatTemplate(string source, TemplateBody body)
    {
        Source = source;
        _body = body;
    }

    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; syntax errors and unsupported statements, filters or tests throw
    /// <see cref="ChatTemplateException"/> naming the problem and its line and column.</summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var positions = new JinjaSource(source);
        var tokens = JinjaLexer.Tokenize(source, positions);
        return new ChatTemplate(source, JinjaParser.Parse(tokens, positions));
    }

    /// <summary>Renders a conversation: <c>messages</c>, <c>add_generation_prompt</c>, <c>bos_token</c>,
    /// <c>eos_token</c>, <c>tools</c> and any extra variables (e.g. <c>enable_thinking</c>).</summary>
    public string Render(IEnumerable<ChatTemplateMessage> messages, ChatTemplateOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new ChatTemplateOptions();
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages.Select(message => message.ToJson()).ToList(),
            ["add_generation_prompt"] = options.AddGenerationPrompt,
        };
        if (options.BosToken is not null)
        {
            variables["bos_token"] = options.BosToken;
        }
        if (options.EosToken is not null)
        {
            variables["eos_token"] = options.EosToken;
        }
        if (options.Tools is not null)
        {
            variables["tools"] = options.Tools;
        }
        foreach (var (name, value) in options.Variables)
        {
            variables[name] = value;
        }
        return Render(variables, options.Clock, cancellation);
    }

    /// <summary>Renders with arbitrary top-level variables (strings, numbers, booleans, null, lists, dictionaries,
    /// <see cref="JsonNode"/> or <see cref="JsonElement"/> values).</summary>
    public string Render(IReadOnlyDictionary<string, object?> variables, TimeProvider? clock = null, CancellationToken cancellation = default)
    {
        var globals = new JinjaScope(null);
        ChatTemplateGlobals.Declare(globals, clock ?? TimeProvider.System);
        foreach (var (name, value) in variables)
        {
            globals.Declare(name, JinjaValueConverter.From(value));
        }
        try
        {
            return new JinjaInterpreter(cancellation).Render(_body, globals);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ChatTemplateException(ChatTemplateErrorKind.Render, "the template nests too deeply");
        }
    }
}

/// <summary>One message as chat templates see it; absent optional fields are undefined in the template.</summary>
public sealed record ChatTemplateMessage(string Role, string? Content)
{
    /// <summary>Reasoning text (Qwen3's <c>reasoning_content</c>).</summary>
    public string? ReasoningContent { get; init; }

    public IReadOnlyList<ChatTemplateToolCall>? ToolCalls { get; init; }

    public string? ToolCallId { get; init; }

    public string? Name { get; init; }

    internal JsonObject ToJson()
    {
        var json = new JsonObject { ["role"] = Role, ["content"] = Content };
        if (ReasoningContent is not null)
        {
            json["reasoning_content"] = ReasoningContent;
        }
        if (ToolCalls is not null)
        {
            json["tool_calls"] = new JsonArray(ToolCalls.Select(call => (JsonNode)call.ToJson()).ToArray());
        }
        if (ToolCallId is not null)
        {
            json["tool_call_id"] = ToolCallId;
        }
        if (Name is not null)
        {
            json["name"] = Name;
        }
        return json;
    }
}

/// <summary>A tool call of an assistant message; <paramref name="ArgumentsJson"/> is a JSON object, given to the
/// template as a mapping (as transformers does), or as the raw string when it is not valid JSON.</summary>
public sealed record ChatTemplateToolCall(string Name, string ArgumentsJson, string? Id = null)
{
    internal JsonObject ToJson()
    {
        JsonNode? arguments;
        try
        {
            arguments = JsonNode.Parse(ArgumentsJson);
        }
        catch (JsonException)
        {
            arguments = JsonValue.Create(ArgumentsJson);
        }
        var json = new JsonObject();
        if (Id is not null)
        {
            json["id"] = Id;
        }
        json["type"] = "function";
        json["function"] = new JsonObject { ["name"] = Name, ["arguments"] = arguments };
        return json;
    }
}

public sealed record ChatTemplateOptions
{
    public bool AddGenerationPrompt { get; init; }

    public string? BosToken { get; init; }

    public string? EosToken { get; init; }

    /// <summary>Tool definitions (JSON schema objects), passed as <c>tools</c> when set.</summary>
    public JsonArray? Tools { get; init; }

    /// <summary>Extra top-level variables such as <c>enable_thinking</c>.</summary>
    public Dictionary<string, object?> Variables { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The clock of <c>strftime_now</c> (local time).</summary>
    public TimeProvider? Clock { get; init; }
}
