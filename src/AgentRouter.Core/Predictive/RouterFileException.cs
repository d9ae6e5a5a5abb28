namespace AgentRouter.Core.Predictive;

/// <summary>A router file (or a router's use) that cannot work: unreadable, another format, trained on other
/// models than the data's, or on features of another dimension. The message names the file and the cause.</summary>
public sealed class RouterFileException : Exception
{
    public RouterFileException(string message)
        : base(message)
    {
    }

    public RouterFileException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
