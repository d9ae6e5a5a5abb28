using System.Text;

namespace AgentRouter.Core.Replay;

/// <summary>Streaming RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks
/// (CRLF or LF). Only one record is held in memory at a time, so file size does not bound memory.</summary>
public sealed class CsvRecordReader : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly TextReader _reader;
    private readonly string _file;
    private readonly char[] _buffer = new char[BufferSize];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;
    private long _line = 1;

    public CsvRecordReader(TextReader reader, string file)
    {
        _reader = reader;
        _file = file;
    }

    /// <summary>The line on which the record last returned by <see cref="ReadRecord"/> started.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/> (cleared first).</summary>
    /// <returns>False at end of input.</returns>
    /// <exception cref="ReplayDataException">A quote is unterminated or stray.</exception>
    public bool ReadRecord(List<string> fields)
    {
        fields.Clear();
        if (!EnsureData())
        {
            return false;
        }

        RecordLine = _line;
        _field.Clear();
        var quoted = false;
        var afterClosingQuote = false;
        var fieldStart = true;
        while (true)
        {
            if (!EnsureData())
            {
                if (quoted)
                {
                    throw new ReplayDataException(_file, RecordLine, $"#{fields.Count + 1}", "quoted field is not closed before the end of the file");
                }

                fields.Add(_field.ToString());
                return true;
            }

            var c = _buffer[_position++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (!EnsureData() || _buffer[_position] != '"')
                    {
                        quoted = false;
                        afterClosingQuote = true;
                        continue;
                    }

                    _position++;
                    _field.Append('"');
                    continue;
                }

                if (c == '\n')
                {
                    _line++;
                }

                _field.Append(c);
                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    fieldStart = true;
                    afterClosingQuote = false;
                    continue;
                case '\r':
                    if (EnsureData() && _buffer[_position] == '\n')
                    {
                        _position++;
                    }

                    _line++;
                    fields.Add(_field.ToString());
                    return true;
                case '\n':
                    _line++;
                    fields.Add(_field.ToString());
                    return true;
                case '"' when fieldStart:
                    quoted = true;
                    fieldStart = false;
                    continue;
                default:
                    if (afterClosingQuote || c == '"')
                    {
                        throw new ReplayDataException(_file, _line, $"#{fields.Count + 1}",
                            afterClosingQuote ? $"unexpected '{c}' after a closing quote" : "quote inside an unquoted field");
                    }

                    fieldStart = false;
                    _field.Append(c);
                    continue;
            }
        }
    }

    private bool EnsureData()
    {
        if (_position < _length)
        {
            return true;
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }

    public void Dispose() => _reader.Dispose();
}
