using AgentRouter.Core.IO;
using System.Text;
using System.Text.Json;
using AgentRouter.Inference.Configuration;
using Microsoft.ML.Tokenizers;

namespace AgentRouter.Inference.Tokenization;

/// <summary>
/// Picks a checkpoint's tokenizer: <c>tokenizer.model</c> (SentencePiece, Llama/Mixtral) or a byte-level BPE
/// <c>tokenizer.json</c> (GPT-2 style: Qwen, OLMoE) through Microsoft.ML.Tokenizers; otherwise the
/// project's <see cref="ByteLevelTokenizer"/> when the vocabulary is large enough for it.
/// </summary>
public static class TokenizerLoader
{
    public static ITextTokenizer? TryLoad(string directory, MoeModelConfig config)
    {
        var sentencePiece = Path.Combine(directory, "tokenizer.model");
        if (File.Exists(sentencePiece))
        {
            try
            {
                using var stream = InputFiles.OpenRead(sentencePiece, InputFiles.DefaultMaxTextBytes);
                return new MlTokenizerAdapter(LlamaTokenizer.Create(stream, addBeginOfSentence: config.BosTokenId is not null));
            }
            catch (InputFileException exception)
            {
                throw new TokenizerLoadException(sentencePiece, exception.Problem);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException
                or Google.Protobuf.InvalidProtocolBufferException)
            {
                throw new TokenizerLoadException(sentencePiece, $"not a SentencePiece model: {exception.Message}");
            }
        }
        var huggingFace = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(huggingFace))
        {
            return LoadByteLevelBpe(huggingFace);
        }
        return config.VocabSize >= ByteLevelTokenizer.VocabularySize ? new ByteLevelTokenizer() : null;
    }

    private static MlTokenizerAdapter LoadByteLevelBpe(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(ReadTokenizerJson(path));
            var model = document.RootElement.GetProperty("model");
            var type = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
            if (type != "BPE")
            {
                throw new TokenizerLoadException(path, $"model type '{type}' is not supported (only byte-level BPE)");
            }
            var merges = new StringBuilder("#version: 0.2\n");
            foreach (var merge in model.GetProperty("merges").EnumerateArray())
            {
                merges.Append(merge.ValueKind == JsonValueKind.Array
                    ? string.Join(' ', merge.EnumerateArray().Select(part => part.GetString()))
                    : merge.GetString()).Append('\n');
            }
            using var vocabulary = new MemoryStream(Encoding.UTF8.GetBytes(model.GetProperty("vocab").GetRawText()));
            using var mergeStream = new MemoryStream(Encoding.UTF8.GetBytes(merges.ToString()));
            return new MlTokenizerAdapter(CodeGenTokenizer.Create(vocabulary, mergeStream));
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new TokenizerLoadException(path, $"cannot read the BPE vocabulary and merges: {exception.Message}");
        }
    }

    /// <summary>tokenizer.json under the input-file checks (a real one is up to ~30 MB).</summary>
    private static string ReadTokenizerJson(string path)
    {
        try
        {
            return InputFiles.ReadAllText(path);
        }
        catch (InputFileException exception)
        {
            throw new TokenizerLoadException(path, exception.Problem);
        }
    }
}
