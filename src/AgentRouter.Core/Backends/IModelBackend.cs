using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Backends;

/// <summary>A model behind a model-agent actor: simulated, replayed, a local MoE model or a remote
/// OpenAI-compatible endpoint. The agent actor calls it from its mailbox thread and never waits on it:
/// a result that is not ready yet is piped back to the actor when it is.</summary>
/// <remarks>
/// Contract:
/// <list type="bullet">
/// <item>Return a completed <see cref="ValueTask{TResult}"/> when the answer is ready at once (no Task allocated).</item>
/// <item>Do compute-bound work off the caller's thread (e.g. <c>Task.Run</c> or a dedicated thread) — the
/// caller is an actor's mailbox thread.</item>
/// <item>A request-level error is a faulted task (the router may retry the query elsewhere). A fault of
/// <see cref="InvalidQueryException"/> says the query itself cannot be served (the field is named): it is not retried,
/// not counted against the agent, and a query nobody could serve is rejected (HTTP 400). Throwing
/// <see cref="ModelBackendCrashedException"/> (synchronously or as the fault) means the backend's state is
/// broken: the agent actor restarts, with backoff, and every request in flight on it is reported crashed.</item>
/// <item>Honour <paramref name="cancellationToken"/>: the router cancels on deadline or caller cancellation.</item>
/// </list>
/// </remarks>
public interface IModelBackend
{
    /// <summary>How many requests the backend serves at once; the agent actor queues the rest.</summary>
    int Capacity { get; }

    /// <summary>Analyses (answers) a query.</summary>
    /// <param name="agent">The agent's name, to put into <see cref="AgentAnalysis.Agent"/>.</param>
    /// <param name="onToken">When not null, a streaming backend calls it with each generated piece of text
    /// (from any thread); backends that cannot stream ignore it.</param>
    ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken);
}
