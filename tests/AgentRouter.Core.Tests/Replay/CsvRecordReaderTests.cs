using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

public class CsvRecordReaderTests
{
    private static List<(long Line, List<string> Fields)> ReadAll(string text)
    {
        using var reader = new CsvRecordReader(new StringReader(text), "t.csv");
        var records = new List<(long, List<string>)>();
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            records.Add((reader.RecordLine, fields.ToList()));
        }

        return records;
    }

    [Fact]
    public void Reads_quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var records = ReadAll("a,b,c\n1,\"x, \"\"y\"\"\nz\",\r\n\"\",2,\"3\"\n");
        Assert.Equal(3, records.Count);
        Assert.Equal(["1", "x, \"y\"\nz", ""], records[1].Fields);
        Assert.Equal(["", "2", "3"], records[2].Fields);
        Assert.Equal([1L, 2, 4], records.Select(r => r.Line));
    }

    [Fact]
    public void Reads_a_last_record_without_a_line_break_and_fields_longer_than_the_buffer()
    {
        var big = new string('q', 200_000);
        var records = ReadAll($"h\n\"{big}\"\nlast");
        Assert.Equal(big, records[1].Fields[0]);
        Assert.Equal(["last"], records[2].Fields);
    }

    [Theory]
    [InlineData("a,b\n1,\"open\n2,3\n", 2, "#2")]
    [InlineData("a,b\n1,\"x\"y\n", 2, "#2")]
    [InlineData("a,b\n1,x\"y\n", 2, "#2")]
    public void Names_the_line_and_field_of_a_quoting_error(string text, long line, string field)
    {
        var error = Assert.Throws<ReplayDataException>(() => ReadAll(text));
        Assert.Equal("t.csv", error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
    }
}
