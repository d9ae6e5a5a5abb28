using System.Text;

namespace AgentRouter.Inference.Tokenization;

/// <summary>
/// The project's own tokenizer for its tiny models: one token per UTF-8 byte (ids 0–255), then
/// <see cref="BeginOfSequenceId"/>, <see cref="EndOfSequenceId"/> and <see cref="PaddingId"/>.
/// Lossless for any text, with no vocabulary file.
/// </summary>
public sealed class ByteLevelTokenizer : ITextTokenizer
{
    public const int BeginOfSequenceId = 256;
    public const int EndOfSequenceId = 257;
    public const int PaddingId = 258;
    public const int VocabularySize = 259;

    public IReadOnlyList<int> Encode(string text) => Encoding.UTF8.GetBytes(text).Select(value => (int)value).ToArray();

    /// <summary>Special tokens are dropped; invalid UTF-8 from a partial sequence decodes to U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id is < 0 or >= VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the byte-level vocabulary [0, {VocabularySize})");
            }
            if (id < 256)
            {
                bytes.Add((byte)id);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
