using AgentRouter.Core.Json;

namespace AgentRouter.Core.Tests.Json;

public sealed class StrictJsonObjectTests
{
    private sealed class FormatError(string file, string field, string problem) : Exception($"{file}: {field}: {problem}")
    {
        public string File { get; } = file;

        public string Field { get; } = field;
    }

    private static readonly JsonProblems Throwing = JsonProblems.Throwing((file, field, problem) => new FormatError(file, field, problem));

    private static (StrictJsonObject? Root, List<(string File, string Field, string Problem)> Problems) Collect(string json)
    {
        var problems = new List<(string, string, string)>();
        return (StrictJsonObject.Parse(json, "x.json", JsonProblems.Collecting((file, field, problem) => problems.Add((file, field, problem)))), problems);
    }

    [Fact]
    public void Reads_typed_fields_with_defaults_and_treats_null_as_absent()
    {
        var (root, problems) = Collect("""{ "name": "a", "n": 2.0, "rate": 0.5, "on": true, "tags": ["x", "y"], "gone": null, /* comment */ }""");
        Assert.Equal("a", root!.String("name", required: true));
        Assert.Equal(2, root.Int("n", null, 1, 5));
        Assert.Equal(0.5, root.Double("rate", 1, 0, 1));
        Assert.True(root.Bool("on", false));
        Assert.Equal(["x", "y"], root.Strings("tags"));
        Assert.Equal(7, root.Int("gone", 7));
        Assert.Equal("dflt", root.Choice("mode", "dflt", "dflt", "other"));
        root.RejectUnknownFields();
        Assert.Empty(problems);
    }

    [Fact]
    public void Collecting_mode_reports_every_problem_with_file_and_full_field_path()
    {
        var (root, problems) = Collect("""{ "n": 1.5, "rate": 2, "tags": ["ok", 3], "data": { "items": 0, "itemz": 1 }, "mode": "x", "typo": 1 }""");
        root!.String("name", required: true);
        root.Int("n", 1);
        root.Double("rate", 0, 0, 1);
        root.Strings("tags");
        var data = root.Child("data", required: true)!;
        data.Int("items", 5, min: 1);
        data.RejectUnknownFields();
        root.Choice("mode", "a", "a", "b");
        root.RejectUnknownFields("setting");

        Assert.All(problems, p => Assert.Equal("x.json", p.File));
        Assert.Equal(
            [
                ("name", "is required"),
                ("n", "must be a whole number, got 1.5"),
                ("rate", "must be in [0, 1], got 2"),
                ("tags[1]", "must be a non-empty string, got 3"),
                ("data.items", "must be ≥ 1, got 0"),
                ("data.itemz", "unknown field (known: items)"),
                ("mode", "must be \"a\" or \"b\", got \"x\""),
                ("typo", "unknown setting (known: data, mode, n, name, rate, tags)"),
            ],
            problems.Select(p => (p.Field, p.Problem)));
    }

    [Fact]
    public void Throwing_mode_stops_at_the_first_problem_with_the_callers_exception()
    {
        var root = StrictJsonObject.Parse("""{ "optimizer": { "beta": 1 } }""", "train.json", Throwing)!;
        var optimizer = root.Child("optimizer")!;
        var error = Assert.Throws<FormatError>(() => optimizer.Double("beta", 0.9, 0, 1, maxExclusive: true));
        Assert.Equal(("train.json", "optimizer.beta"), (error.File, error.Field));
        Assert.Contains("must be in [0, 1), got 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"a\": 1,\n  oops\n}", "line 3")]
    [InlineData("[1, 2]", "must be a JSON object, got an array")]
    public void A_broken_document_is_a_problem_of_the_document(string json, string problem)
    {
        var (root, problems) = Collect(json);
        Assert.Null(root);
        var single = Assert.Single(problems);
        Assert.Equal("(document)", single.Field);
        Assert.Contains(problem, single.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_objects_read_by_field_name_count_as_known()
    {
        var (root, problems) = Collect("""{ "weights": { "a": 1, "b": -1 } }""");
        var weights = root!.Child("weights")!;
        var read = weights.FieldNames.ToDictionary(name => name, name => weights.Double(name, 0, min: 0));
        weights.RejectUnknownFields();
        root.RejectUnknownFields();
        Assert.Equal(["a", "b"], read.Keys);
        Assert.Equal(("weights.b", "must be ≥ 0, got -1"), Assert.Single(problems) is var p ? (p.Field, p.Problem) : default);
    }
}
