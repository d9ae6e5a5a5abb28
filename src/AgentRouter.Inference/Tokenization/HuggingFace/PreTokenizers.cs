using System.Text;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>One step of a tokenizer.json pre_tokenizer: turns each piece into zero or more pieces.</summary>
internal interface IPreTokenizer
{
    void Split(string piece, List<string> output);
}

internal static class PreTokenizerExtensions
{
    public static List<string> Apply(this IPreTokenizer preTokenizer, List<string> pieces)
    {
        var output = new List<string>(pieces.Count * 2);
        foreach (var piece in pieces)
        {
            preTokenizer.Split(piece, output);
        }
        return output;
    }
}

internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public IReadOnlyList<IPreTokenizer> Steps => steps;

    public void Split(string piece, List<string> output)
    {
        var pieces = new List<string> { piece };
        foreach (var step in steps)
        {
            pieces = step.Apply(pieces);
        }
        output.AddRange(pieces);
    }
}

internal enum SplitBehavior
{
    /// <summary>Matches and the text between them become pieces (the reference treats every keeping behaviour so).</summary>
    Isolated,
    /// <summary>Only the text between matches is kept.</summary>
    Removed,
}

/// <summary>The <c>Split</c> pre-tokenizer; with <c>invert</c> only the matches are kept.</summary>
internal sealed class SplitPreTokenizer(CodePointRegex pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    public void Split(string piece, List<string> output)
    {
        var matches = pattern.Matches(piece);
        if (invert)
        {
            foreach (var (start, length) in matches)
            {
                output.Add(piece.Substring(start, length));
            }
            return;
        }
        var previous = 0;
        foreach (var (start, length) in matches)
        {
            if (start > previous)
            {
                output.Add(piece[previous..start]);
            }
            if (behavior == SplitBehavior.Isolated)
            {
                output.Add(piece.Substring(start, length));
            }
            previous = start + length;
        }
        if (previous < piece.Length)
        {
            output.Add(piece[previous..]);
        }
    }
}

/// <summary>
/// The <c>ByteLevel</c> pre-tokenizer: optionally GPT-2's own split pattern, then every piece is rewritten as its
/// UTF-8 bytes in <see cref="ByteLevelAlphabet"/> characters.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    private static readonly Lazy<CodePointRegex> Gpt2Pattern = new(() =>
        new CodePointRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"));

    public void Split(string piece, List<string> output)
    {
        if (addPrefixSpace && !piece.StartsWith(' '))
        {
            piece = " " + piece;
        }
        if (!useRegex)
        {
            output.Add(ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(piece)));
            return;
        }
        foreach (var (start, length) in Gpt2Pattern.Value.Matches(piece))
        {
            output.Add(ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(piece.Substring(start, length))));
        }
    }
}
