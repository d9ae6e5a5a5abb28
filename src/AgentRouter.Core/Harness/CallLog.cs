using System.Text;
using System.Text.Json;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Harness;

/// <summary>The append-only <c>calls.jsonl</c> of a harness run. Each record is written as one line and flushed
/// to the operating system before <see cref="Append"/> returns, so a killed process (even SIGKILL) loses at most
/// the calls still in flight and possibly a torn final line. Opening an existing log for resumption reads every
/// complete record and cuts a torn final line off, so the resumed run neither repeats a recorded call nor
/// leaves a gap. Thread-safe: callers on many threads may append at once.</summary>
public sealed class CallLog : IDisposable
{
    private readonly FileStream _stream;
    private readonly Lock _gate = new();
    private long _nextSequence;

    private CallLog(string path, FileStream stream, List<CallRecord> existing, bool repaired)
    {
        Path = path;
        _stream = stream;
        Existing = existing;
        Repaired = repaired;
        _nextSequence = existing.Count == 0 ? 0 : existing.Max(r => r.Sequence) + 1;
    }

    public string Path { get; }

    /// <summary>The records already in the file when it was opened (empty for a new log).</summary>
    public IReadOnlyList<CallRecord> Existing { get; }

    /// <summary>True when a torn final line (a write cut by a kill) was removed on opening.</summary>
    public bool Repaired { get; }

    /// <summary>Creates a new log; refuses to overwrite one (that would lose recorded calls).</summary>
    public static CallLog Create(string path)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            throw new IOException($"{path} already exists: pass --resume to continue that run, or choose another --out");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        return new CallLog(path, stream, [], repaired: false);
    }

    /// <summary>Opens an existing log to continue it (creating it when absent).</summary>
    /// <exception cref="ReplayDataException">A complete line in the middle is not a call record.</exception>
    public static CallLog Resume(string path)
    {
        if (!File.Exists(path))
        {
            return Create(path);
        }

        var (records, goodLength) = ReadRecords(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        var repaired = stream.Length != goodLength;
        stream.SetLength(goodLength);
        stream.Seek(0, SeekOrigin.End);
        return new CallLog(path, stream, records, repaired);
    }

    /// <summary>Reads every complete record of a log.</summary>
    public static IReadOnlyList<CallRecord> Read(string path) => ReadRecords(path).Records;

    /// <summary>Assigns the record its sequence number, writes it as one line and flushes.</summary>
    public CallRecord Append(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            record = record with { Sequence = _nextSequence++ };
            var bytes = Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n");
            _stream.Write(bytes);
            _stream.Flush();
            return record;
        }
    }

    /// <summary>Flushes through to the disk (not only the OS cache); the run calls it when it ends.</summary>
    public void FlushToDisk()
    {
        lock (_gate)
        {
            _stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream.Dispose();
        }
    }

    /// <summary>The records of the complete lines and the byte length they span. Only the last line may be torn
    /// (no newline, or not parseable while unterminated): it is left out; a bad complete line is an error.</summary>
    private static (List<CallRecord> Records, long GoodLength) ReadRecords(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<CallRecord>();
        var start = 0;
        var lineNumber = 0;
        while (start < bytes.Length)
        {
            lineNumber++;
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                // A torn final line: the process died while writing it; its call is redone.
                return (records, start);
            }

            var line = Encoding.UTF8.GetString(bytes, start, end - start).Trim();
            if (line.Length > 0)
            {
                try
                {
                    records.Add(CallRecord.FromJsonLine(line) ?? throw new JsonException("null record"));
                }
                catch (JsonException error)
                {
                    throw new ReplayDataException(path, lineNumber, null, $"not a call record: {error.Message}", error);
                }
            }

            start = end + 1;
        }

        return (records, start);
    }
}
