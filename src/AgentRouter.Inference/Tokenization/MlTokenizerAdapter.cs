using Microsoft.ML.Tokenizers;

namespace AgentRouter.Inference.Tokenization;

/// <summary>A Microsoft.ML.Tokenizers tokenizer behind <see cref="ITextTokenizer"/>.</summary>
public sealed class MlTokenizerAdapter : ITextTokenizer
{
    private readonly Tokenizer _tokenizer;

    public MlTokenizerAdapter(Tokenizer tokenizer)
    {
        _tokenizer = tokenizer;
    }

    public IReadOnlyList<int> Encode(string text) => _tokenizer.EncodeToIds(text);

    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);
}
