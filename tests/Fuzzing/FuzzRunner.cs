using System.Diagnostics;
using System.Text;

namespace AgentRouter.Tests.Fuzzing;

/// <summary>What a fuzz run saw: every case either parsed, was refused with a documented typed error, or is a
/// failure (any other exception, a case over its time budget).</summary>
internal sealed class FuzzReport(string parser, int seed)
{
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public List<string> Failures { get; } = [];

    public int Cases { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public TimeSpan Total { get; private set; }

    /// <param name="outcome">What the parser did with the case (parsed, its typed error, an HTTP status); null when it failed.</param>
    public void Record(FuzzCase fuzzCase, int index, TimeSpan elapsed, string? outcome, string? failure)
    {
        Cases++;
        Total += elapsed;
        Slowest = elapsed > Slowest ? elapsed : Slowest;
        if (failure is not null)
        {
            Failures.Add($"case {index} ({fuzzCase.Mutation}): {failure}\n  input ({fuzzCase.Bytes.Length} bytes): {Excerpt(fuzzCase.Bytes)}");
        }
        else if (outcome is not null)
        {
            _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
        }
    }

    public string Summary =>
        $"{parser}: {Cases} cases (seed {seed}) in {Total.TotalSeconds:0.0} s, slowest {Slowest.TotalMilliseconds:0} ms; " +
        string.Join(", ", _outcomes.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}")) + $"; failures {Failures.Count}";

    /// <summary>Fails the test with the first failures, each with what reproduces it (seed and case index).</summary>
    public void AssertNoFailures()
    {
        if (Failures.Count > 0)
        {
            Assert.Fail($"{Summary}\nReproduce with {FuzzSettings.SeedVariable}={seed}; first failures:\n" + string.Join("\n", Failures.Take(5)));
        }
    }

    private static string Excerpt(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 400)));
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return escaped + (bytes.Length > 400 ? "…" : "");
    }
}

/// <summary>Runs generated cases against a parser, each on the thread pool and time-boxed with
/// <see cref="Task.WaitAsync(TimeSpan)"/> (a hang fails the run instead of stalling CI).</summary>
internal static class FuzzRunner
{
    /// <summary>Runs <see cref="FuzzSettings.Iterations"/> cases. <paramref name="parse"/> returns what it did with an
    /// accepted input (a label counted in the summary: "parsed", an HTTP status); <paramref name="refusal"/> names an
    /// exception the parser documents for bad input (its type, or a finer label) and returns null for anything else,
    /// which is a failure.</summary>
    public static async Task<FuzzReport> RunAsync(
        string parser,
        Func<Random, FuzzCase> generate,
        Func<FuzzCase, CancellationToken, Task<string>> parse,
        Func<Exception, string?> refusal)
    {
        var seed = FuzzSettings.Seed;
        var report = new FuzzReport(parser, seed);
        var budget = FuzzSettings.CaseBudget;
        for (var index = 0; index < FuzzSettings.Iterations; index++)
        {
            var fuzzCase = generate(FuzzSettings.CaseRandom(seed, index));
            using var cancellation = new CancellationTokenSource(budget);
            var clock = Stopwatch.StartNew();
            string? outcome = null;
            string? failure = null;
            try
            {
                outcome = await Task.Run(() => parse(fuzzCase, cancellation.Token), cancellation.Token).WaitAsync(budget).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                failure = $"no answer within {budget.TotalSeconds:0} s (hang)";
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                failure = $"no answer within {budget.TotalSeconds:0} s (hang)";
            }
            catch (Exception error)
            {
                outcome = refusal(error);
                failure = outcome is null ? $"{error.GetType().FullName}: {error.Message}\n{FirstFrames(error)}" : null;
            }

            report.Record(fuzzCase, index, clock.Elapsed, outcome, failure);
        }

        return report;
    }

    /// <summary>Synchronous parsers: the same, with the parse as an action (a normal return counts as "parsed").</summary>
    public static Task<FuzzReport> RunAsync(string parser, Func<Random, FuzzCase> generate, Action<FuzzCase> parse, Func<Exception, string?> refusal) =>
        RunAsync(parser, generate, (fuzzCase, _) =>
        {
            parse(fuzzCase);
            return Task.FromResult("parsed");
        }, refusal);

    /// <summary>Synchronous parsers that say what they did (e.g. "errors" for a result holding errors).</summary>
    public static Task<FuzzReport> RunAsync(string parser, Func<Random, FuzzCase> generate, Func<FuzzCase, string> parse, Func<Exception, string?> refusal) =>
        RunAsync(parser, generate, (fuzzCase, _) => Task.FromResult(parse(fuzzCase)), refusal);

    private static string FirstFrames(Exception error) =>
        string.Join("\n", (error.StackTrace ?? "").Split('\n').Take(6).Select(line => "    " + line.Trim()));
}
