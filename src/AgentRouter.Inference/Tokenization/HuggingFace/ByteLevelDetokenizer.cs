using System.Text;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// Streams a byte-level BPE's ids to text: each token's bytes go through one stateful UTF-8 decoder, which holds
/// back a character's leading bytes until its last byte arrives; added tokens are emitted as their text.
/// The concatenated output equals <see cref="HuggingFaceTokenizer.Decode(IEnumerable{int}, bool)"/> without the
/// optional clean-up of spaces before punctuation.
/// </summary>
internal sealed class ByteLevelDetokenizer(HuggingFaceTokenizer tokenizer, bool skipSpecialTokens) : IStreamingDetokenizer
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly StringBuilder _output = new();
    private readonly List<byte> _bytes = new(16);

    public string Append(int id)
    {
        _output.Clear();
        if (skipSpecialTokens && tokenizer.IsSpecial(id))
        {
            return "";
        }
        var token = tokenizer.TokenText(id);
        if (tokenizer.IsAddedToken(token))
        {
            FlushDecoder();
            _output.Append(token);
        }
        else
        {
            _bytes.Clear();
            foreach (var character in token)
            {
                _bytes.Add(ByteLevelAlphabet.TryGetByte(character, out var value) ? value : (byte)0);
            }
            Decode(flush: false);
        }
        return _output.ToString();
    }

    public string Flush()
    {
        _output.Clear();
        FlushDecoder();
        return _output.ToString();
    }

    private void FlushDecoder()
    {
        _bytes.Clear();
        Decode(flush: true);
    }

    private void Decode(bool flush)
    {
        var bytes = _bytes.ToArray();
        var characters = new char[_decoder.GetCharCount(bytes, 0, bytes.Length, flush: false) + 8];
        var count = _decoder.GetChars(bytes, 0, bytes.Length, characters, 0, flush);
        _output.Append(characters, 0, count);
    }
}
