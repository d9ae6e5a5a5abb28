using AgentRouter.Core.Harness;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Harness;

public sealed class HarnessDatasetTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("harness-data-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Jsonl_reads_prompts_messages_choices_and_infers_scoring()
    {
        var path = Write("set.jsonl", """
            {"id": "mc", "prompt": "Capital of France?", "choices": ["Berlin", "Paris"], "answer": "Paris", "task": "geo"}
            // a comment line
            {"id": "num", "prompt": "2 + 2?", "answer": 4}

            {"id": "gsm", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "3 * 24?"}], "answer": "step...\n#### 72"}
            {"id": "text", "prompt": "Tallest tower in Paris?", "answer": "Eiffel Tower"}
            {"id": "open", "prompt": "Write a haiku."}
            """);
        var items = HarnessDataset.Load(path).Items;
        Assert.Equal(["mc", "num", "gsm", "text", "open"], items.Select(i => i.Id));
        Assert.Equal((ScoringKind.MultipleChoice, "B"), (items[0].Scoring, items[0].Answer));
        Assert.Equal("Capital of France?\nA) Berlin\nB) Paris", items[0].Prompt);
        Assert.Equal(["A", "B"], items[0].Options!);
        Assert.Equal(ScoringKind.Numeric, items[1].Scoring);
        Assert.Equal(ScoringKind.Numeric, items[2].Scoring);
        Assert.Equal("system: Be brief.\nuser: 3 * 24?", items[2].Prompt);
        Assert.Equal(2, items[2].Messages!.Count);
        Assert.Equal(ScoringKind.ExactMatch, items[3].Scoring);
        Assert.Equal(ScoringKind.None, items[4].Scoring);
    }

    [Theory]
    [InlineData("""{"prompt": "no id"}""", "field 'id'")]
    [InlineData("""{"id": "a", "prompt": "x", "answer": "C", "choices": ["p", "q"]}""", "field 'answer'")]
    [InlineData("""{"id": "a", "prompt": "x", "messages": []}""", "field 'prompt'")]
    [InlineData("""{"id": "a", "prompt": "x", "colour": 1}""", "field 'colour'")]
    [InlineData("""{"id": "a", "prompt": "x", "scoring": "number", "answer": "many"}""", "field 'answer'")]
    [InlineData("not json", "set.jsonl:2")]
    public void Bad_jsonl_names_file_line_and_field(string line, string expected)
    {
        var path = Write("set.jsonl", """{"id": "ok", "prompt": "fine"}""" + "\n" + line + "\n");
        var error = Assert.Throws<ReplayDataException>(() => HarnessDataset.Load(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("set.jsonl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_jsonl_ids_are_refused()
    {
        var path = Write("set.jsonl", """{"id": "a", "prompt": "x"}""" + "\n" + """{"id": "a", "prompt": "y"}""" + "\n");
        Assert.Contains("appears twice", Assert.Throws<ReplayDataException>(() => HarnessDataset.Load(path)).Message, StringComparison.Ordinal);
    }

    /// <summary>The repository's copy of RouterBench's ARC-Challenge test split (data/routerbench).</summary>
    internal static string ArcTest()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "AgentRouter.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory.FullName, "data", "routerbench", "arc_challenge_test.csv");
    }

    [Fact]
    public void RouterBench_answers_reproduce_every_recorded_correctness()
    {
        // RouterBench has no gold column; the inferred gold must score every recorded response as the file does.
        var path = ArcTest();
        var dataset = HarnessDataset.Load(path);
        var workload = RouterBenchReader.Read(path, new ReplayReadOptions());
        Assert.Equal(workload.Items.Count, dataset.Items.Count);
        var compared = 0;
        for (var i = 0; i < dataset.Items.Count; i++)
        {
            foreach (var agent in workload.Items[i].CandidateAgents)
            {
                var recorded = workload.Items[i].AnswerOf(agent)!.Value;
                Assert.Equal(recorded.Quality, AnswerScorer.Score(dataset.Items[i], recorded.Response).Correct);
                compared++;
            }
        }

        Assert.True(compared > 4800, $"only {compared} recorded answers compared");
    }
}
