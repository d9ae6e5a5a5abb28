using System.Globalization;
using Akka.Configuration;

namespace AgentRouter.Actors.Configuration;

/// <summary>Reads typed values under one HOCON path. Every error is a <see cref="ConfigurationException"/> whose
/// message starts with the full key (<c>agentrouter.router.agent-deadline: ...</c>), whether the key is missing,
/// of the wrong type or out of range.</summary>
public sealed class SettingsReader
{
    private readonly Config _config;
    private readonly string _prefix;

    public SettingsReader(Config config, string prefix)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _config = config;
        _prefix = prefix;
    }

    /// <summary>The reader of a sub-section, e.g. <c>Section("tuning.fast")</c>.</summary>
    public SettingsReader Section(string key) => new(_config, Key(key));

    public string String(string key)
    {
        var value = Read(key, path => _config.GetString(path));
        return string.IsNullOrWhiteSpace(value) ? throw Error(key, "must not be empty") : value;
    }

    public int Int(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = String(key);
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(key, $"'{raw}' is not an integer");
        }

        return value < min || value > max ? throw Error(key, $"{value} is outside [{min}, {max}]") : value;
    }

    public long Bytes(string key, long min = 0)
    {
        var raw = String(key);
        var value = Read(key, path => _config.GetByteSize(path)) ?? throw Error(key, $"'{raw}' is not a size in bytes");
        return value < min ? throw Error(key, $"{value} bytes is below the minimum of {min}") : value;
    }

    /// <summary>A duration such as <c>250ms</c> or <c>10s</c>; zero and negative durations are errors unless
    /// <paramref name="allowZero"/>.</summary>
    public TimeSpan Duration(string key, bool allowZero = false)
    {
        var raw = String(key);
        TimeSpan value;
        try
        {
            value = _config.GetTimeSpan(Key(key), null, allowInfinite: false);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw Error(key, $"'{raw}' is not a duration (e.g. 250ms, 10s, 5m)", e);
        }

        return value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero)
            ? throw Error(key, $"'{raw}' must be {(allowZero ? "zero or positive" : "positive")}")
            : value;
    }

    private T Read<T>(string key, Func<string, T> read)
    {
        var path = Key(key);
        if (!_config.HasPath(path))
        {
            throw Error(key, "is missing (no default in reference.conf and no override)");
        }

        try
        {
            return read(path);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw Error(key, e.Message, e);
        }
    }

    private string Key(string key) => _prefix + "." + key;

    private ConfigurationException Error(string key, string problem, Exception? inner = null) =>
        new($"{Key(key)}: {problem}", inner);
}
