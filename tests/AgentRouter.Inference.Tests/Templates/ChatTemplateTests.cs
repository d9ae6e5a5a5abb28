using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Inference.Templates;
using AgentRouter.Inference.Tests.Tokenization;

namespace AgentRouter.Inference.Tests.Templates;

/// <summary>The typed rendering API and the template errors (syntax, unsupported features, render failures).</summary>
public sealed class ChatTemplateTests
{
    [Fact]
    public void Typed_messages_with_tool_calls_render_like_the_reference()
    {
        var (source, bos, eos) = TemplateParityTests.LoadTemplate("qwen3");
        var template = ChatTemplate.Parse(source);
        var tools = JsonNode.Parse("""
            [{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"},
              "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}]
            """)!.AsArray();
        var rendering = template.Render(
            [
                new ChatTemplateMessage("user", "Weather in Paris?"),
                new ChatTemplateMessage("assistant", "") { ToolCalls = [new ChatTemplateToolCall("get_weather", """{"city": "Paris", "unit": "celsius"}""", "call_1")] },
                new ChatTemplateMessage("tool", "{\"temperature\": 18}"),
                new ChatTemplateMessage("assistant", "It is 18°C in Paris."),
            ],
            new ChatTemplateOptions { AddGenerationPrompt = true, BosToken = bos, EosToken = eos, Tools = tools });

        Assert.Equal(Golden("qwen3", "tool-call-object-arguments", addGenerationPrompt: true), rendering);
    }

    [Fact]
    public void Enable_thinking_and_other_variables_reach_the_template()
    {
        var template = ChatTemplate.Parse(TemplateParityTests.LoadTemplate("qwen3").Source);
        var rendering = template.Render([new ChatTemplateMessage("user", "Quick answer please")],
            new ChatTemplateOptions { AddGenerationPrompt = true, Variables = { ["enable_thinking"] = false } });
        Assert.Equal(Golden("qwen3", "enable-thinking-false", addGenerationPrompt: true), rendering);
    }

    [Theory]
    [InlineData("{% if x %}never closed", ChatTemplateErrorKind.Syntax, "'if' is never closed", 1, 1)]
    [InlineData("line one\n{{ 'unterminated }}", ChatTemplateErrorKind.Syntax, "string literal is never closed", 2, 4)]
    [InlineData("a\n  b {{ x | frobnicate }}", ChatTemplateErrorKind.UnsupportedFeature, "the filter 'frobnicate' is not supported", 2, 12)]
    [InlineData("{{ x is divisibleby }}", ChatTemplateErrorKind.UnsupportedFeature, "the test 'divisibleby' is not supported", 1, 9)]
    [InlineData("{% extends 'base.html' %}", ChatTemplateErrorKind.UnsupportedFeature, "the 'extends' statement is not supported", 1, 4)]
    [InlineData("{% frob %}", ChatTemplateErrorKind.Syntax, "unknown statement 'frob'", 1, 4)]
    [InlineData("{{ 'bad \\q escape' }}", ChatTemplateErrorKind.Syntax, "unexpected escaped character: q", 1, 0)]
    [InlineData("{{ (1 + }}", ChatTemplateErrorKind.Syntax, "unexpected", 1, 0)]
    [InlineData("{# never closed", ChatTemplateErrorKind.Syntax, "missing end of comment tag", 1, 1)]
    public void Bad_templates_fail_at_parse_with_the_problem_and_its_position(string source, ChatTemplateErrorKind kind, string problem, int line, int column)
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(problem, error.Problem);
        Assert.Equal(line, error.Line);
        if (column > 0)
        {
            Assert.Equal(column, error.Column);
        }
    }

    [Fact]
    public void Render_failures_are_typed_and_keep_the_template_message()
    {
        var template = ChatTemplate.Parse("{{ raise_exception('roles must alternate') }}");
        var error = Assert.Throws<ChatTemplateException>(() => template.Render(new Dictionary<string, object?>()));
        Assert.Equal(ChatTemplateErrorKind.Render, error.Kind);
        Assert.Contains("roles must alternate", error.Message);

        var recursion = ChatTemplate.Parse("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
        Assert.Equal(ChatTemplateErrorKind.Render, Assert.Throws<ChatTemplateException>(() => recursion.Render(new Dictionary<string, object?>())).Kind);

        var huge = ChatTemplate.Parse("{% for i in range(100000000) %}x{% endfor %}");
        Assert.Equal(ChatTemplateErrorKind.Render, Assert.Throws<ChatTemplateException>(() => huge.Render(new Dictionary<string, object?>())).Kind);
    }

    [Fact]
    public void Strftime_now_uses_the_injected_clock()
    {
        var template = ChatTemplate.Parse("{{ strftime_now('%d %b %Y') }}");
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero));
        Assert.Equal("04 Dec 2026", template.Render(new Dictionary<string, object?>(), clock));
    }

    private static string Golden(string template, string conversation, bool addGenerationPrompt)
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Templates", "Parity", "golden.json")));
        return golden.RootElement.GetProperty("renderings").EnumerateArray().Single(entry =>
            entry.GetProperty("template").GetString() == template && entry.GetProperty("conversation").GetString() == conversation
            && entry.GetProperty("add_generation_prompt").GetBoolean() == addGenerationPrompt).GetProperty("rendering").GetString()!;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
