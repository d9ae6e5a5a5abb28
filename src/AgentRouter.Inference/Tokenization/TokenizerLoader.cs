using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Tokenization.HuggingFace;
using Microsoft.ML.Tokenizers;

namespace AgentRouter.Inference.Tokenization;

/// <summary>
/// Picks a checkpoint's tokenizer: a Hugging Face <c>tokenizer.json</c> (byte-level BPE: Qwen, Llama 3, DeepSeek,
/// gpt-oss, OLMoE) through <see cref="HuggingFaceTokenizer"/>; else <c>tokenizer.model</c> (SentencePiece,
/// Llama 2/Mixtral) through Microsoft.ML.Tokenizers; otherwise the project's <see cref="ByteLevelTokenizer"/> when
/// the vocabulary is large enough for it. A tokenizer with more ids than the config's <c>vocab_size</c> is refused.
/// </summary>
public static class TokenizerLoader
{
    public static ITextTokenizer? TryLoad(string directory, MoeModelConfig config)
    {
        var sentencePiece = Path.Combine(directory, "tokenizer.model");
        var huggingFace = Path.Combine(directory, HuggingFaceTokenizer.TokenizerFileName);
        if (File.Exists(huggingFace))
        {
            try
            {
                var tokenizer = HuggingFaceTokenizer.FromDirectory(directory);
                tokenizer.EnsureFitsModel(config.VocabSize, Path.Combine(directory, "config.json"));
                return tokenizer;
            }
            catch (TokenizerLoadException) when (File.Exists(sentencePiece))
            {
                // A tokenizer.json this loader does not support (e.g. SentencePiece-style BPE) beside tokenizer.model.
            }
        }
        if (File.Exists(sentencePiece))
        {
            try
            {
                using var stream = File.OpenRead(sentencePiece);
                return new MlTokenizerAdapter(LlamaTokenizer.Create(stream, addBeginOfSentence: config.BosTokenId is not null));
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException
                or Google.Protobuf.InvalidProtocolBufferException)
            {
                throw new TokenizerLoadException(sentencePiece, $"not a SentencePiece model: {exception.Message}");
            }
        }
        return config.VocabSize >= ByteLevelTokenizer.VocabularySize ? new ByteLevelTokenizer() : null;
    }
}
