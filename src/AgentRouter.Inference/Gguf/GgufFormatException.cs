namespace AgentRouter.Inference.Gguf;

/// <summary>A GGUF file that cannot be read or written as asked; the message names the file and what is wrong.</summary>
public sealed class GgufFormatException : Exception
{
    public GgufFormatException(string filePath, string problem) : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
        Problem = problem;
    }

    public string FilePath { get; }

    public string Problem { get; }
}
