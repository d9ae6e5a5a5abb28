namespace AgentRouter.Inference.Tokenization;

public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException(string filePath, string problem) : base($"{filePath}: {problem}")
    {
        FilePath = filePath;
    }

    public string FilePath { get; }
}
