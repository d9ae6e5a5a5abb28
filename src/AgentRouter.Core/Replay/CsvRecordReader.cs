using System.Text;

namespace AgentRouter.Core.Replay;

/// <summary>Streaming RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks
/// (CRLF or LF). Only one record is held in memory at a time, so file size does not bound memory.</summary>
public sealed class CsvRecordReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly System.Buffers.SearchValues<char> UnquotedStops = System.Buffers.SearchValues.Create(",\r\n\"");

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
        while (true)
        {
            _field.Clear();
            if (_buffer[_position] == '"')
            {
                _position++;
                ReadQuotedRest(fields.Count);
                if (!EnsureData())
                {
                    fields.Add(_field.ToString());
                    return true;
                }

                var after = _buffer[_position];
                if (after is not (',' or '\r' or '\n'))
                {
                    throw new ReplayDataException(_file, _line, $"#{fields.Count + 1}", $"unexpected '{after}' after a closing quote");
                }
            }
            else
            {
                ReadUnquoted(fields.Count);
            }

            fields.Add(_field.ToString());
            if (!EnsureData())
            {
                return true;
            }

            var separator = _buffer[_position++];
            if (separator == ',')
            {
                if (!EnsureData())
                {
                    fields.Add(string.Empty);
                    return true;
                }

                continue;
            }

            if (separator == '\r' && EnsureData() && _buffer[_position] == '\n')
            {
                _position++;
            }

            _line++;
            return true;
        }
    }

    /// <summary>Copies an unquoted field up to (not including) the next separator or line break.</summary>
    private void ReadUnquoted(int fieldIndex)
    {
        while (EnsureData())
        {
            var span = _buffer.AsSpan(_position, _length - _position);
            var stop = span.IndexOfAny(UnquotedStops);
            if (stop < 0)
            {
                _field.Append(span);
                _position = _length;
                continue;
            }

            if (span[stop] == '"')
            {
                throw new ReplayDataException(_file, _line, $"#{fieldIndex + 1}", "quote inside an unquoted field");
            }

            _field.Append(span[..stop]);
            _position += stop;
            return;
        }
    }

    /// <summary>Copies a quoted field's content after its opening quote, through its closing quote.</summary>
    private void ReadQuotedRest(int fieldIndex)
    {
        while (true)
        {
            if (!EnsureData())
            {
                throw new ReplayDataException(_file, RecordLine, $"#{fieldIndex + 1}", "quoted field is not closed before the end of the file");
            }

            var span = _buffer.AsSpan(_position, _length - _position);
            var stop = span.IndexOfAny('"', '\n');
            if (stop < 0)
            {
                _field.Append(span);
                _position = _length;
                continue;
            }

            _field.Append(span[..stop]);
            _position += stop + 1;
            if (span[stop] == '\n')
            {
                _line++;
                _field.Append('\n');
                continue;
            }

            if (EnsureData() && _buffer[_position] == '"')
            {
                _field.Append('"');
                _position++;
                continue;
            }

            return;
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
