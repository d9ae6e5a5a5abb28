using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Inference.Chat;

/// <summary>
/// Turns generated ids into answer text as they come: whole UTF-8 characters only (the tokenizer's streaming detokenizer,
/// special tokens dropped), through a <see cref="StopStringFilter"/> so that no part of a stop string is ever released.
/// Feed it from one thread at a time.
/// </summary>
public sealed class ChatTextStream
{
    private readonly IStreamingDetokenizer _detokenizer;
    private readonly StopStringFilter _filter;

    /// <param name="onText">Receives each released piece (for streaming); never an empty string.</param>
    public ChatTextStream(ITextTokenizer tokenizer, IReadOnlyList<string>? stopStrings, Action<string>? onText)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _detokenizer = tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        _filter = new StopStringFilter(stopStrings, onText);
    }

    /// <summary>Whether a stop string has ended the answer.</summary>
    public bool Stopped => _filter.Stopped;

    /// <summary>Adds a generated id; returns true once a stop string has appeared (generation should stop).</summary>
    public bool Append(int id) => Stopped || _filter.Append(_detokenizer.Append(id));

    /// <summary>The whole answer, once generation has ended (releases whatever was held back).</summary>
    public string Finish()
    {
        if (!Stopped)
        {
            _filter.Append(_detokenizer.Flush());
        }
        return _filter.Finish();
    }
}
