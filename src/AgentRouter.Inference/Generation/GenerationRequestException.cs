namespace AgentRouter.Inference.Generation;

/// <summary>A generation or logits request the model cannot serve; names the offending field.</summary>
public sealed class GenerationRequestException : Exception
{
    public GenerationRequestException(string field, string problem) : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    public string Field { get; }

    public string Problem { get; }
}
