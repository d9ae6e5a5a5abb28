namespace AgentRouter.Actors.Backends;

/// <summary>The backend's state is broken (process died, model unloaded, injected crash): the agent actor must
/// restart rather than report a single failed request.</summary>
public sealed class ModelBackendCrashedException : Exception
{
    public ModelBackendCrashedException(string message)
        : base(message)
    {
    }

    public ModelBackendCrashedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
