using AgentRouter.Core.Backends;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Tests.Doubles;

/// <summary>What a <see cref="ScriptedBackend"/> does with one call.</summary>
internal abstract record Step
{
    public sealed record Answer(string Choice, string? Text = null) : Step;

    public sealed record Crash : Step;

    public sealed record Fail(string Message = "scripted failure") : Step;

    /// <summary>Never completes; observes cancellation.</summary>
    public sealed record Hang : Step;

    /// <summary>Completes when the test completes <see cref="Completion"/>.</summary>
    public sealed record Manual(TaskCompletionSource<AgentAnalysis> Completion) : Step;

    public sealed record Stream(string[] Tokens, string Choice) : Step;
}

/// <summary>Test double: a backend whose every call follows a script (by query and call number), counting
/// calls and observed cancellations so tests can wait on them.</summary>
internal sealed class ScriptedBackend(Func<Query, int, Step> script, int capacity = 64) : IModelBackend
{
    private int _calls;
    private int _cancellations;

    public ScriptedBackend(Step always, int capacity = 64)
        : this((_, _) => always, capacity)
    {
    }

    public int Capacity { get; } = capacity;

    public int Calls => Volatile.Read(ref _calls);

    public int Cancellations => Volatile.Read(ref _cancellations);

    public ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls) - 1;
        switch (script(query, call))
        {
            case Step.Answer answer:
                return new ValueTask<AgentAnalysis>(new AgentAnalysis(agent, answer.Text ?? answer.Choice, answer.Choice, Cost: 0.01));
            case Step.Crash:
                throw new ModelBackendCrashedException($"scripted crash of {agent}");
            case Step.Fail fail:
                return ValueTask.FromException<AgentAnalysis>(new InvalidOperationException(fail.Message));
            case Step.Stream stream:
                foreach (var token in stream.Tokens)
                {
                    onToken?.Invoke(token);
                }

                return new ValueTask<AgentAnalysis>(new AgentAnalysis(agent, string.Concat(stream.Tokens), stream.Choice));
            case Step.Manual manual:
                cancellationToken.Register(() => Interlocked.Increment(ref _cancellations));
                return new ValueTask<AgentAnalysis>(manual.Completion.Task);
            default:
                var hang = new TaskCompletionSource<AgentAnalysis>(TaskCreationOptions.RunContinuationsAsynchronously);
                cancellationToken.Register(() =>
                {
                    Interlocked.Increment(ref _cancellations);
                    hang.TrySetCanceled(cancellationToken);
                });
                return new ValueTask<AgentAnalysis>(hang.Task);
        }
    }
}
