using System.Globalization;
using System.Text;
using Akka.Configuration;

namespace AgentRouter.Actors.Configuration;

/// <summary>Typed values that override a module's <c>reference.conf</c>: hostnames, ports, seeds and other values
/// that come from users. Each value is written as a quoted HOCON string or a plain number, never spliced as raw
/// text, so a value can neither end its own field nor add another one.</summary>
public sealed class HoconOverrides
{
    private readonly List<(string Path, string Value)> _values = [];

    public HoconOverrides Set(string path, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Add(path, Quote(value));
    }

    public HoconOverrides Set(string path, long value) => Add(path, value.ToString(CultureInfo.InvariantCulture));

    public HoconOverrides Set(string path, bool value) => Add(path, value ? "on" : "off");

    /// <summary>A duration, in whole milliseconds (HOCON's <c>ms</c> unit).</summary>
    public HoconOverrides Set(string path, TimeSpan value) => Add(path, Quote(((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms"));

    public HoconOverrides Set(string path, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Add(path, "[" + string.Join(", ", values.Select(Quote)) + "]");
    }

    /// <summary>A size in bytes (HOCON's <c>b</c> unit).</summary>
    public HoconOverrides SetBytes(string path, long bytes) => Add(path, Quote(bytes.ToString(CultureInfo.InvariantCulture) + "b"));

    public Config ToConfig() =>
        _values.Count == 0 ? Config.Empty : ConfigurationFactory.ParseString(string.Join('\n', _values.Select(v => v.Path + " = " + v.Value)));

    private HoconOverrides Add(string path, string rendered)
    {
        // Paths are the product's own keys; checking them keeps a typo from becoming a HOCON syntax error.
        if (string.IsNullOrEmpty(path) || !path.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException($"'{path}' is not a plain HOCON path", nameof(path));
        }

        _values.Add((path, rendered));
        return this;
    }

    /// <summary>A HOCON quoted string (JSON string syntax): quotes, backslashes and control characters escaped.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ': quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: quoted.Append(c); break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
