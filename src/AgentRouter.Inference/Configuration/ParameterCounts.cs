namespace AgentRouter.Inference.Configuration;

/// <summary>Total parameters and those one token passes through (its top-k experts only), from the config alone.
/// Checked arithmetic: a config whose sizes overflow a long throws instead of printing a wrapped-around count.</summary>
public readonly record struct ParameterCounts(long Total, long ActivePerToken)
{
    /// <exception cref="OverflowException">The sizes describe more parameters than a long holds (a parsed
    /// config never does: the parser refuses it).</exception>
    public static ParameterCounts Of(MoeModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        checked
        {
            long hidden = config.HiddenSize;
            long queryWidth = (long)config.NumHeads * config.HeadDim;
            long keyValueWidth = (long)config.NumKeyValueHeads * config.HeadDim;
            var embeddings = (long)config.VocabSize * hidden * (config.TieWordEmbeddings ? 1 : 2);
            var attention = (hidden * queryWidth) + (2 * hidden * keyValueWidth) + (queryWidth * hidden)
                + (config.QkvBias ? queryWidth + (2 * keyValueWidth) : 0)
                + (config.OutputProjectionBias ? hidden : 0)
                + config.QueryKeyNorm switch
                {
                    QueryKeyNorm.PerHead => 2L * config.HeadDim,
                    QueryKeyNorm.WholeProjection => queryWidth + keyValueWidth,
                    _ => 0,
                };
            long total = embeddings + hidden;
            long active = embeddings + hidden;
            for (var layer = 0; layer < config.NumLayers; layer++)
            {
                var common = attention + (2 * hidden);
                if (config.IsSparseLayer(layer))
                {
                    var router = config.NumExperts * hidden;
                    var expert = 3 * hidden * config.ExpertIntermediateSize;
                    var shared = config.SharedExpertIntermediateSize > 0 ? (3 * hidden * config.SharedExpertIntermediateSize) + hidden : 0;
                    total += common + router + (config.NumExperts * expert) + shared;
                    active += common + router + (config.ExpertsPerToken * expert) + shared;
                }
                else
                {
                    var dense = 3 * hidden * config.DenseIntermediateSize;
                    total += common + dense;
                    active += common + dense;
                }
            }
            return new ParameterCounts(total, active);
        }
    }
}
