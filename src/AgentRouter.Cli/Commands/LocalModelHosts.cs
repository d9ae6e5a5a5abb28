using AgentRouter.LocalAgents;

namespace AgentRouter.Cli.Commands;

/// <summary>The CLI process's one cache of loaded local models, so every command and agent on the same weights
/// shares one loaded model (and its torch thread) for the life of the process.</summary>
internal static class LocalModelHosts
{
    public static SharedModelHosts Shared { get; } = new();
}
