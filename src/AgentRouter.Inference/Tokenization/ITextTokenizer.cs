namespace AgentRouter.Inference.Tokenization;

/// <summary>
/// Text ↔ token ids for one model. The two-argument overloads and the streaming decoder have defaults so that
/// simple tokenizers (the byte-level one, adapters) need only <see cref="Encode(string)"/> and
/// <see cref="Decode(IEnumerable{int})"/>.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Ids of <paramref name="text"/> without added special tokens (special-token text inside it still maps to its id).</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Every id's text, special tokens included.</summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>With <paramref name="addSpecialTokens"/>, the tokenizer's post-processor adds its tokens (e.g. a BOS).</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens) => Encode(text);

    /// <summary>With <paramref name="skipSpecialTokens"/>, special tokens (BOS, EOS, &lt;|im_end|&gt;…) produce no text.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens) => Decode(ids);

    /// <summary>One past the largest id this tokenizer can produce or decode.</summary>
    int VocabularySize => int.MaxValue;

    /// <summary>The end-of-sequence id of the tokenizer's configuration, when it names one.</summary>
    int? EndOfSequenceId => null;

    /// <summary>A decoder for generated ids that releases text only at whole UTF-8 characters.</summary>
    IStreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = true) => new RedecodingDetokenizer(this, skipSpecialTokens);
}

/// <summary>Turns ids arriving one at a time into text, never splitting a multi-byte character.</summary>
public interface IStreamingDetokenizer
{
    /// <summary>The text that <paramref name="id"/> completes; empty while a character is still incomplete.</summary>
    string Append(int id);

    /// <summary>Whatever is still held back (an incomplete character decodes to U+FFFD).</summary>
    string Flush();
}

/// <summary>
/// The fallback streaming decoder for any <see cref="ITextTokenizer"/>: decodes everything so far and releases the
/// new suffix unless it ends in U+FFFD (a character still missing bytes). Quadratic, so only for small tokenizers.
/// </summary>
internal sealed class RedecodingDetokenizer(ITextTokenizer tokenizer, bool skipSpecialTokens) : IStreamingDetokenizer
{
    private readonly List<int> _ids = [];
    private int _released;

    public string Append(int id)
    {
        _ids.Add(id);
        var text = tokenizer.Decode(_ids, skipSpecialTokens);
        if (text.EndsWith('\uFFFD') || text.Length <= _released)
        {
            return "";
        }
        var fresh = text[_released..];
        _released = text.Length;
        return fresh;
    }

    public string Flush()
    {
        var text = tokenizer.Decode(_ids, skipSpecialTokens);
        var fresh = text.Length > _released ? text[_released..] : "";
        _released = text.Length;
        return fresh;
    }
}
