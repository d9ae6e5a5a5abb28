using System.Text;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Inference.Chat;

/// <summary>
/// Turns generated ids into answer text as they come: whole UTF-8 characters only (the tokenizer's streaming detokenizer,
/// special tokens dropped), and never any part of a stop string: text that could still become one is held back until it
/// cannot, and the answer ends just before the first stop string. Feed it from one thread at a time.
/// </summary>
public sealed class ChatTextStream
{
    private readonly IStreamingDetokenizer _detokenizer;
    private readonly IReadOnlyList<string> _stops;
    private readonly Action<string>? _onText;
    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _released = new();

    /// <param name="onText">Receives each released piece (for streaming); never an empty string.</param>
    public ChatTextStream(ITextTokenizer tokenizer, IReadOnlyList<string>? stopStrings, Action<string>? onText)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _detokenizer = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        _stops = (stopStrings ?? []).Where(stop => stop.Length > 0).ToArray();
        _onText = onText;
    }

    /// <summary>Whether a stop string has ended the answer.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a generated id; returns true once a stop string has appeared (generation should stop).</summary>
    public bool Append(int id)
    {
        if (Stopped)
        {
            return true;
        }
        _pending.Append(_detokenizer.Append(id));
        ReleaseSafeText();
        return Stopped;
    }

    /// <summary>The whole answer, once generation has ended (releases whatever was held back).</summary>
    public string Finish()
    {
        if (!Stopped)
        {
            _pending.Append(_detokenizer.Flush());
            ReleaseSafeText();
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
