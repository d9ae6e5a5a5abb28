namespace AgentRouter.Inference.Tokenization;

/// <summary>Text ↔ token ids for one model.</summary>
public interface ITextTokenizer
{
    IReadOnlyList<int> Encode(string text);

    string Decode(IEnumerable<int> ids);
}
