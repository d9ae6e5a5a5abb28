using System.Text;

namespace AgentRouter.Inference.Chat;

/// <summary>
/// Releases streamed answer text without ever releasing any part of a stop string: text that could still become one is held
/// back until it cannot, and the answer ends just before the first stop string (OpenAI's <c>stop</c>). Shared by every
/// backend that generates text piece by piece. Feed it from one thread at a time.
/// </summary>
public sealed class StopStringFilter
{
    private readonly IReadOnlyList<string> _stops;
    private readonly Action<string>? _onText;
    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _released = new();

    /// <param name="onText">Receives each released piece (for streaming); never an empty string.</param>
    public StopStringFilter(IReadOnlyList<string>? stopStrings, Action<string>? onText)
    {
        _stops = (stopStrings ?? []).Where(stop => stop.Length > 0).ToArray();
        _onText = onText;
    }

    /// <summary>Whether a stop string has ended the answer.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns true once a stop string has appeared (generation should stop).</summary>
    public bool Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Stopped)
        {
            return true;
        }
        _pending.Append(text);
        ReleaseSafeText();
        return Stopped;
    }

    /// <summary>The whole answer, once generation has ended (releases whatever was held back).</summary>
    public string Finish()
    {
        if (!Stopped)
        {
            Release(_pending.Length);
        }
        return _released.ToString();
    }

    private void ReleaseSafeText()
    {
        var text = _pending.ToString();
        var first = -1;
        foreach (var stop in _stops)
        {
            var index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (first < 0 || index < first))
            {
                first = index;
            }
        }
        if (first >= 0)
        {
            Release(first);
            _pending.Clear();
            Stopped = true;
            return;
        }
        Release(text.Length - HeldBack(text));
    }

    /// <summary>The longest end of <paramref name="text"/> that starts some stop string.</summary>
    private int HeldBack(string text)
    {
        var held = 0;
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > held; length--)
            {
                if (string.CompareOrdinal(text, text.Length - length, stop, 0, length) == 0)
                {
                    held = length;
                    break;
                }
            }
        }
        return held;
    }

    private void Release(int length)
    {
        if (length <= 0)
        {
            return;
        }
        var piece = _pending.ToString(0, length);
        _pending.Remove(0, length);
        _released.Append(piece);
        _onText?.Invoke(piece);
    }
}
