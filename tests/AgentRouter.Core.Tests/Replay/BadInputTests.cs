using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

/// <summary>Each bad file gives a <see cref="ReplayDataException"/> naming the file, line and field.</summary>
public sealed class BadInputTests : IDisposable
{
    private const string Header = ",sample_id,prompt,eval_name,m1,m2,m1|model_response,m2|model_response,m1|total_cost,m2|total_cost";
    private readonly string _directory = Directory.CreateTempSubdirectory("replay-bad-").FullName;

    // Each good row spans three lines: its prompt holds two line breaks.
    private static string Good(int i) => $"{i},s{i},\"['Q{i}?\nA) x\nB) y']\",arc,1.0,0.0,['A'],['B'],0.001,0.002";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static TheoryData<string, string, long, string?> RouterBenchCases() => new()
    {
        { "empty", string.Empty, 0, null },
        { "header only", Header + "\n", 0, null },
        { "missing prompt column", ",sample_id,eval_name,m1,m1|total_cost\n0,s0,arc,1.0,0.1\n", 1, "prompt" },
        { "model without cost column", ",sample_id,prompt,eval_name,m1,m2,m1|total_cost\n", 1, "m2|total_cost" },
        { "cost without model column", ",sample_id,prompt,eval_name,m1,m1|total_cost,m9|total_cost\n", 1, "m9|total_cost" },
        { "short row", $"{Header}\n{Good(0)}\n1,s1,['Q'],arc,1.0\n", 5, null },
        { "NaN cost", $"{Header}\n{Good(0)}\n{Good(1).Replace("0.002", "NaN", StringComparison.Ordinal)}\n", 5, "m2|total_cost" },
        { "negative cost", $"{Header}\n{Good(0).Replace("0.001", "-0.001", StringComparison.Ordinal)}\n", 2, "m1|total_cost" },
        { "text correctness", $"{Header}\n{Good(0).Replace(",1.0,", ",yes,", StringComparison.Ordinal)}\n", 2, "m1" },
        { "correctness above one", $"{Header}\n{Good(0).Replace(",1.0,", ",2,", StringComparison.Ordinal)}\n", 2, "m1" },
        { "bad response literal", $"{Header}\n{Good(0).Replace("['B']", "['B", StringComparison.Ordinal)}\n", 2, "m2|model_response" },
        { "empty sample id", $"{Header}\n{Good(0).Replace(",s0,", ",,", StringComparison.Ordinal)}\n", 2, "sample_id" },
        { "unterminated quote", $"{Header}\n{Good(0)}\n2,s2,\"['open\n", 5, "#3" },
    };

    [Theory]
    [MemberData(nameof(RouterBenchCases))]
    public void RouterBench_errors_name_file_line_and_field(string name, string text, long line, string? field)
    {
        var path = Write(name.Replace(' ', '-') + ".csv", text);
        var error = Assert.Throws<ReplayDataException>(() => ReplayDataLoader.Load(path, "routerbench", new ReplayReadOptions()));
        Assert.Equal(path, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.StartsWith(line > 0 ? $"{path}:{line}" : path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_bad_rows_counts_what_it_skips()
    {
        var text = string.Join('\n', Header, Good(0), Good(1).Replace("0.002", "NaN", StringComparison.Ordinal), Good(2), "3,s3,['Q'],arc", Good(4)) + "\n";
        var path = Write("mixed.csv", text);
        Assert.Throws<ReplayDataException>(() => ReplayDataLoader.Load(path, "auto", new ReplayReadOptions()));
        var workload = ReplayDataLoader.Load(path, "auto", new ReplayReadOptions(SkipBadRows: true));
        Assert.Equal(3, workload.Items.Count);
        Assert.Equal(5, workload.Load.RowsRead);
        Assert.Equal(2, workload.Load.RowsSkipped);
        Assert.Equal(2, workload.Load.SkippedReasons.Count);
        Assert.Contains(":5:", workload.Load.SkippedReasons[0], StringComparison.Ordinal);
    }

    public static TheoryData<string, string, long, string?> Open7bCases() => new()
    {
        { "empty", "  \n", 0, null },
        { "not an array", "{\"question\": \"q\"}", 1, null },
        { "empty array", "[]", 1, null },
        { "bad JSON", "[\n {\"question\": \"q\", \"scores\": {\"m-7B\": 1}},\n {\"question\": ,}\n]", 3, "[1]" },
        { "score out of range", "[\n {\"question\": \"q\", \"scores\": {\"m-7B\": 1}},\n {\"question\": \"r\", \"scores\": {\"m-7B\": 1.5}}\n]", 3, "[1].scores.m-7B" },
        { "missing scores", "[\n {\"question\": \"q\"}\n]", 2, "[0].scores" },
        { "no parameter count", "[{\"question\": \"q\", \"scores\": {\"mystery\": 1}}]", 0, "scores.mystery" },
    };

    [Theory]
    [MemberData(nameof(Open7bCases))]
    public void Open7b_errors_name_file_line_and_field(string name, string text, long line, string? field)
    {
        var path = Write(name.Replace(' ', '-') + ".json", text);
        var error = Assert.Throws<ReplayDataException>(() => ReplayDataLoader.Load(path, "auto", new ReplayReadOptions()));
        Assert.Equal(path, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Missing_file_and_unknown_format_are_clear()
    {
        var missing = Path.Combine(_directory, "nope.csv");
        Assert.Equal(missing, Assert.Throws<ReplayDataException>(() => ReplayDataLoader.Load(missing, "auto", new ReplayReadOptions())).File);
        var path = Write("ok.csv", $"{Header}\n{Good(0)}\n");
        Assert.Contains("parquet", Assert.Throws<ArgumentException>(() => ReplayDataLoader.Load(path, "parquet", new ReplayReadOptions())).Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
