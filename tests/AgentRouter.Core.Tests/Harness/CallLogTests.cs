using System.Text;
using AgentRouter.Core.Harness;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Harness;

public sealed class CallLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("harness-log-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static CallRecord Record(string id, string agent, double? correct = 1, double cost = 0.001) =>
        new(0, id, agent, "task", true, "B", "B", correct, cost, CostSources.Reported, 10, 1, 12.5, 3.5, 1, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Resume_cuts_a_torn_final_line_and_continues_the_sequence()
    {
        var path = Path.Combine(_directory, "calls.jsonl");
        using (var log = CallLog.Create(path))
        {
            log.Append(Record("q1", "a"));
            log.Append(Record("q2", "a"));
        }

        // A kill during the third write leaves half a line.
        var torn = Record("q3", "a").ToJsonLine();
        File.AppendAllText(path, torn[..(torn.Length / 2)], Encoding.UTF8);
        using (var resumed = CallLog.Resume(path))
        {
            Assert.True(resumed.Repaired);
            Assert.Equal(["q1", "q2"], resumed.Existing.Select(r => r.Id));
            Assert.Equal(2, resumed.Append(Record("q3", "a")).Sequence);
        }

        var records = CallLog.Read(path);
        Assert.Equal(["q1", "q2", "q3"], records.Select(r => r.Id));
        Assert.Equal([0L, 1, 2], records.Select(r => r.Sequence));
        Assert.Equal(Record("q3", "a") with { Sequence = 2 }, records[2]);
    }

    [Fact]
    public void Create_refuses_to_overwrite_a_recorded_run()
    {
        var path = Path.Combine(_directory, "calls.jsonl");
        using (var log = CallLog.Create(path))
        {
            log.Append(Record("q1", "a"));
        }

        Assert.Contains("--resume", Assert.Throws<IOException>(() => CallLog.Create(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_complete_line_is_an_error_naming_the_line()
    {
        var path = Path.Combine(_directory, "calls.jsonl");
        File.WriteAllText(path, Record("q1", "a").ToJsonLine() + "\n{oops\n" + Record("q2", "a").ToJsonLine() + "\n");
        Assert.Contains("calls.jsonl:2", Assert.Throws<ReplayDataException>(() => CallLog.Resume(path)).Message, StringComparison.Ordinal);
    }
}
