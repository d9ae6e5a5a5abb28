using AgentRouter.Core.Harness;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Harness;

public sealed class OutcomesCsvWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("harness-csv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Written_csv_reads_back_through_the_replay_reader_unchanged()
    {
        var items = new List<HarnessItem>
        {
            new("q1", "It's \"quoted\", with a comma\\ and\nA) yes\nB) no", null, "arc", ["A", "B"], "A", ScoringKind.MultipleChoice),
            new("q2", "Emoji 😀 and tab\t?\nA) x\nB) y", null, "arc", ["A", "B"], "B", ScoringKind.MultipleChoice),
        };
        var records = new[]
        {
            CallLogTests.Record("q2", "model-b", correct: 1, cost: 0.1 + 0.2) with { Response = "B) y\n" },
            CallLogTests.Record("q1", "model-a", correct: 0, cost: 1e-7) with { Response = "B" },
            CallLogTests.Record("q1", "model-b", correct: 1, cost: 0.000121) with { Response = "A) it's yes" },
            CallLogTests.Record("q2", "model-a") with { Succeeded = false, Correct = null, Response = null, Error = "HTTP 500" },
        };
        var path = Path.Combine(_directory, "outcomes.csv");
        OutcomesCsvWriter.Write(path, items, ["model-a", "model-b"], records);

        var workload = RouterBenchReader.Read(path, new ReplayReadOptions());
        Assert.Equal(["model-a", "model-b"], workload.Agents.Select(a => a.Name));
        Assert.Equal(["q1", "q2"], workload.Items.Select(i => i.Query.Id));
        Assert.Equal(items[0].Prompt, workload.Items[0].Query.Text);
        Assert.Equal(items[1].Prompt, workload.Items[1].Query.Text);
        Assert.Equal("arc", workload.Items[0].Query.TaskType);
        Assert.Equal((0.0, 1e-7, "B"), (workload.Items[0].AnswerOf(0)!.Value.Quality, workload.Items[0].AnswerOf(0)!.Value.Cost, workload.Items[0].AnswerOf(0)!.Value.Response));
        Assert.Equal("A) it's yes", workload.Items[0].AnswerOf(1)!.Value.Response);
        Assert.Equal(0.1 + 0.2, workload.Items[1].AnswerOf(1)!.Value.Cost); // bit for bit, not 0.3
        Assert.Null(workload.Items[1].AnswerOf(0)); // the failed call is no candidate
        Assert.Equal(1, workload.Load.EmptyCells["model-a"]);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quote ' and \" and \\ backslash")]
    [InlineData("controls \u0001\u001f\r\n\t and lone \ud800 surrogate")]
    [InlineData("")]
    public void Python_list_format_round_trips(string value) =>
        Assert.Equal([value], PythonStringList.Parse(PythonStringList.Format(value)));
}
