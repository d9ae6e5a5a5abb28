namespace AgentRouter.Inference.Templates;

/// <summary>What went wrong with a chat template; decisions are on <see cref="Kind"/>, never on the message.</summary>
public enum ChatTemplateErrorKind
{
    /// <summary>The template is not valid Jinja (unclosed tag, unexpected token…).</summary>
    Syntax,
    /// <summary>Valid Jinja that this renderer does not implement (a statement, filter or test), named in the message.</summary>
    UnsupportedFeature,
    /// <summary>Rendering failed: <c>raise_exception</c>, a type error, an unknown method.</summary>
    Render,
}

public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(ChatTemplateErrorKind kind, string problem, int line = 0, int column = 0)
        : base(line > 0 ? $"chat template, line {line}, column {column}: {problem}" : $"chat template: {problem}")
    {
        Kind = kind;
        Problem = problem;
        Line = line;
        Column = column;
    }

    public ChatTemplateErrorKind Kind { get; }

    /// <summary>The problem without the position.</summary>
    public string Problem { get; }

    /// <summary>1-based line in the template source; 0 when unknown (render errors).</summary>
    public int Line { get; }

    public int Column { get; }
}
