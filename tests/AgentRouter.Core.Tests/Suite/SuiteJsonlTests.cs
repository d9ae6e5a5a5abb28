using AgentRouter.Core.Suite;

namespace AgentRouter.Core.Tests.Suite;

public sealed class SuiteJsonlTests
{
    private const string GoodLine =
        """{"id":"arithmetic-1","domain":"arithmetic","difficulty":1,"question":"47+38=?","options":["85","75","86","84"],"answer":"A"}""";

    [Fact]
    public void RoundTripGivesTheSameItemsAndTheSameBytes()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(300, Seed: 6));
        var jsonl = SuiteJsonl.ToJsonl(items);

        var read = SuiteJsonl.Read(new StringReader(jsonl), "memory");

        Assert.Equal(items, read);
        Assert.Equal(jsonl, SuiteJsonl.ToJsonl(read));
    }

    [Fact]
    public void FileRoundTripWritesOneLinePerItemWithUnixLineEnds()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(30, Seed: 6));
        var path = Path.Combine(Path.GetTempPath(), $"suite-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                SuiteJsonl.Write(writer, items);
            }

            var text = File.ReadAllText(path);
            Assert.DoesNotContain('\r', text);
            Assert.Equal(30, text.Count(character => character == '\n'));
            Assert.Equal(items, SuiteJsonl.ReadFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LinesKeepQuestionsReadable()
    {
        var line = SuiteJsonl.ToLine(SuiteJsonl.ParseLine(GoodLine, "memory", 1));

        Assert.Equal(
            """{"id":"arithmetic-1","domain":"arithmetic","difficulty":1,"split":"train","question":"47+38=?","options":["85","75","86","84"],"answer":"A"}""",
            line);
    }

    [Fact]
    public void SplitFieldIsOptionalButMustMatchTheQuestionsHash()
    {
        var item = SuiteJsonl.ParseLine(GoodLine, "memory", 1);
        var wrongSplit = SuiteSplits.Name(item.Split == SuiteSplit.Test ? SuiteSplit.Train : SuiteSplit.Test);
        var line = GoodLine.Replace("\"answer\"", $"\"split\":\"{wrongSplit}\",\"answer\"", StringComparison.Ordinal);

        var error = Assert.Throws<SuiteFormatException>(() => SuiteJsonl.ParseLine(line, "memory", 1));
        Assert.Equal("split", error.Field);
    }

    [Theory]
    [InlineData("""{"domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2","3","4","5"],"answer":"A"}""", "id", "missing")]
    [InlineData("""{"id":"x","domain":"poetry","difficulty":1,"question":"1+1=?","options":["2","3","4","5"],"answer":"A"}""", "domain", "poetry")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":4,"question":"1+1=?","options":["2","3","4","5"],"answer":"A"}""", "difficulty", "1..3")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":"1","question":"1+1=?","options":["2","3","4","5"],"answer":"A"}""", "difficulty", "Number")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1.5,"question":"1+1=?","options":["2","3","4","5"],"answer":"A"}""", "difficulty", "1.5")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"","options":["2","3","4","5"],"answer":"A"}""", "question", "empty")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2","3","4"],"answer":"A"}""", "options", "exactly 4")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2","3","4","3"],"answer":"A"}""", "options", "distinct")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2",3,"4","5"],"answer":"A"}""", "options", "option 2")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":"2,3,4,5","answer":"A"}""", "options", "Array")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2","3","4","5"],"answer":"E"}""", "answer", "'E'")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2","3","4","5"]}""", "answer", "missing")]
    [InlineData("""{"id":"x","domain":"arithmetic","difficulty":1,"question":"1+1=?","options":["2","3","4","5"],"answer":"A","gold":"A"}""", "gold", "unknown field")]
    public void BadLinesNameTheLineAndTheField(string badLine, string field, string problem)
    {
        var text = GoodLine + "\n\n" + badLine + "\n";

        var error = Assert.Throws<SuiteFormatException>(() => SuiteJsonl.Read(new StringReader(text), "items.jsonl"));

        Assert.Equal(3, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"items.jsonl line 3, field '{field}':", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\":")]
    [InlineData("[1,2,3]")]
    [InlineData("not json")]
    public void LinesThatAreNotJsonObjectsAreReportedWithoutAField(string badLine)
    {
        var error = Assert.Throws<SuiteFormatException>(() => SuiteJsonl.Read(new StringReader(GoodLine + "\n" + badLine), "items.jsonl"));

        Assert.Equal(2, error.Line);
        Assert.Null(error.Field);
        Assert.StartsWith("items.jsonl line 2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateIdsAreRejectedNamingBothLines()
    {
        var error = Assert.Throws<SuiteFormatException>(() => SuiteJsonl.Read(new StringReader(GoodLine + "\n" + GoodLine), "items.jsonl"));

        Assert.Equal(2, error.Line);
        Assert.Equal("id", error.Field);
        Assert.Contains("line 1", error.Problem, StringComparison.Ordinal);
    }
}
