using AgentRouter.Inference.Configuration;

namespace AgentRouter.Inference.Generation;

/// <summary>Rejects requests the model cannot serve before any tensor is touched.</summary>
public static class RequestValidator
{
    public static void ValidateTokenIds(MoeModelConfig config, IReadOnlyList<int> ids, string field)
    {
        if (ids.Count == 0)
        {
            throw new GenerationRequestException(field, "is empty; at least one token id is needed");
        }
        for (var index = 0; index < ids.Count; index++)
        {
            if (ids[index] < 0 || ids[index] >= config.VocabSize)
            {
                throw new GenerationRequestException(field, $"token id {ids[index]} at index {index} is outside the vocabulary [0, {config.VocabSize})");
            }
        }
        if (ids.Count > config.MaxPositionEmbeddings)
        {
            throw new GenerationRequestException(field, $"{ids.Count} tokens exceed the context of {config.MaxPositionEmbeddings} (max_position_embeddings)");
        }
    }

    public static void ValidateGeneration(MoeModelConfig config, IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        if (prompts.Count == 0)
        {
            throw new GenerationRequestException("prompts", "no prompt was given");
        }
        for (var index = 0; index < prompts.Count; index++)
        {
            ValidateTokenIds(config, prompts[index], $"prompts[{index}]");
        }
        if (options.MaxNewTokens < 1)
        {
            throw new GenerationRequestException(nameof(options.MaxNewTokens), $"must be at least 1, found {options.MaxNewTokens}");
        }
        var longest = prompts.Max(prompt => prompt.Count);
        if ((long)longest + options.MaxNewTokens > config.MaxPositionEmbeddings)
        {
            throw new GenerationRequestException(nameof(options.MaxNewTokens),
                $"a {longest}-token prompt plus {options.MaxNewTokens} new tokens exceeds the context of {config.MaxPositionEmbeddings} (max_position_embeddings)");
        }
        if (!options.IsGreedy && !(options.Temperature > 0 && double.IsFinite(options.Temperature)))
        {
            throw new GenerationRequestException(nameof(options.Temperature), $"must be a positive number (0 means greedy), found {options.Temperature}");
        }
        if (options.TopK < 0)
        {
            throw new GenerationRequestException(nameof(options.TopK), $"must not be negative, found {options.TopK}");
        }
        if (!(options.TopP > 0 && options.TopP <= 1))
        {
            throw new GenerationRequestException(nameof(options.TopP), $"must lie in (0, 1], found {options.TopP}");
        }
        foreach (var stop in options.StopTokenIds ?? Array.Empty<int>())
        {
            if (stop < 0 || stop >= config.VocabSize)
            {
                throw new GenerationRequestException(nameof(options.StopTokenIds), $"token id {stop} is outside the vocabulary [0, {config.VocabSize})");
            }
        }
    }
}
