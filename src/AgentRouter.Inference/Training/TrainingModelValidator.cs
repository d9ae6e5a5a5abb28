using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Inference.Training;

/// <summary>Checks a training config's model section: a valid config.json for the engine, and shapes that can
/// hold the suite's prompts and the byte-level vocabulary.</summary>
internal static class TrainingModelValidator
{
    /// <summary>Generous bound on a suite prompt plus its answer, in bytes (docs/SUITE.md: at most 128).</summary>
    public const int LongestSuiteSequence = 128;

    public static MoeModelConfig Validate(string modelJson, string filePath)
    {
        MoeModelConfig model;
        try
        {
            model = MoeModelConfig.Parse(modelJson, filePath);
        }
        catch (ModelConfigException error)
        {
            throw new TrainingConfigException(filePath, $"model.{error.Field}", error.Problem);
        }

        if (model.VocabSize < ByteLevelTokenizer.VocabularySize)
        {
            throw new TrainingConfigException(filePath, "model.vocab_size", $"must be at least {ByteLevelTokenizer.VocabularySize} for the byte-level tokenizer, got {model.VocabSize}");
        }

        if (model.MaxPositionEmbeddings < LongestSuiteSequence)
        {
            throw new TrainingConfigException(filePath, "model.max_position_embeddings", $"must be at least {LongestSuiteSequence} to hold a suite prompt, got {model.MaxPositionEmbeddings}");
        }

        return model;
    }
}
