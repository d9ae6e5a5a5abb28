namespace AgentRouter.Core.Json;

/// <summary>Where a <see cref="StrictJsonObject"/> sends the problems it finds: thrown at once as the caller's own
/// exception type (training configs, presets), or collected so that one report names every problem of a file
/// (agent manifests and their backend settings). In collecting mode the reader returns the fallback and goes on.</summary>
public abstract class JsonProblems
{
    /// <summary>Problems reported so far (only ever 0 in throwing mode, which stops at the first).</summary>
    public int Count { get; private set; }

    /// <summary>Each problem throws <paramref name="exception"/>(file, field, problem).</summary>
    public static JsonProblems Throwing(Func<string, string, string, Exception> exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ThrowingProblems(exception);
    }

    /// <summary>Each problem is passed to <paramref name="add"/>(file, field, problem) and reading continues.</summary>
    public static JsonProblems Collecting(Action<string, string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        return new CollectingProblems(add);
    }

    /// <summary>Reports one problem; returns only in collecting mode.</summary>
    public void Report(string file, string field, string problem)
    {
        Count++;
        OnReport(file, field, problem);
    }

    private protected abstract void OnReport(string file, string field, string problem);

    private sealed class ThrowingProblems(Func<string, string, string, Exception> exception) : JsonProblems
    {
        private protected override void OnReport(string file, string field, string problem) => throw exception(file, field, problem);
    }

    private sealed class CollectingProblems(Action<string, string, string> add) : JsonProblems
    {
        private protected override void OnReport(string file, string field, string problem) => add(file, field, problem);
    }
}
