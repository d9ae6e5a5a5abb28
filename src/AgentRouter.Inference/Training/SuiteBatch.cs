using AgentRouter.Core.Suite;
using AgentRouter.Inference.Tokenization;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Training;

/// <summary>A batch of suite items as tensors, tokenized by the byte-level tokenizer (no BOS: the prompt's first
/// byte starts the sequence, as in the local backend). Sequences are right-padded: with a causal model padding after a
/// position cannot change that position's logits, so no attention mask is needed for training or scoring.</summary>
public sealed class SuiteBatch : IDisposable
{
    private static readonly ByteLevelTokenizer Tokenizer = new();

    private SuiteBatch(Tensor inputIds, Tensor answerPositions, Tensor answerIds, Tensor tokenMask, Tensor? sequenceTargets, int tokenCount)
    {
        InputIds = inputIds;
        AnswerPositions = answerPositions;
        AnswerIds = answerIds;
        TokenMask = tokenMask;
        SequenceTargets = sequenceTargets;
        TokenCount = tokenCount;
    }

    /// <summary>[B, T] token ids.</summary>
    public Tensor InputIds { get; }

    /// <summary>[B] index of the last prompt token, whose logits predict the answer letter.</summary>
    public Tensor AnswerPositions { get; }

    /// <summary>[B] the gold letter's token id.</summary>
    public Tensor AnswerIds { get; }

    /// <summary>[B·T] 1 for real tokens, 0 for padding (for the load-balancing loss).</summary>
    public Tensor TokenMask { get; }

    /// <summary>[B, T] next-token targets with -100 on padding, when the whole sequence is trained.</summary>
    public Tensor? SequenceTargets { get; }

    /// <summary>Real (non-padding) tokens in the batch.</summary>
    public int TokenCount { get; }

    /// <param name="includeAnswer">True to append the gold letter (sequence loss); false feeds prompts only.</param>
    public static SuiteBatch Create(IReadOnlyList<SuiteItem> items, bool includeAnswer, Device device)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfZero(items.Count);
        var prompts = items.Select(item => Tokenizer.Encode(includeAnswer ? SuitePrompt.FormatWithAnswer(item) : SuitePrompt.Format(item))).ToList();
        var promptLengths = items.Select(item => Tokenizer.Encode(SuitePrompt.Format(item)).Count).ToArray();
        var width = prompts.Max(prompt => prompt.Count);
        var ids = new long[items.Count * width];
        var mask = new float[items.Count * width];
        var targets = includeAnswer ? Enumerable.Repeat(-100L, items.Count * width).ToArray() : null;
        for (var row = 0; row < items.Count; row++)
        {
            var tokens = prompts[row];
            Array.Fill(ids, ByteLevelTokenizer.PaddingId, row * width, width);
            for (var column = 0; column < tokens.Count; column++)
            {
                ids[row * width + column] = tokens[column];
                mask[row * width + column] = 1;
                if (targets is not null && column + 1 < tokens.Count)
                {
                    targets[row * width + column] = tokens[column + 1];
                }
            }
        }

        return new SuiteBatch(
            tensor(ids, [items.Count, width], device: device),
            tensor(promptLengths.Select(length => (long)length - 1).ToArray(), device: device),
            tensor(items.Select(item => LetterId(item.Answer)).ToArray(), device: device),
            tensor(mask, device: device),
            targets is null ? null : tensor(targets, [items.Count, width], device: device),
            prompts.Sum(prompt => prompt.Count));
    }

    /// <summary>The token id of an option letter (one byte).</summary>
    public static long LetterId(string letter) => Tokenizer.Encode(letter).Single();

    /// <summary>The logits [B, V] at each row's answer position.</summary>
    public Tensor AnswerLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var index = AnswerPositions.view(-1, 1, 1).expand(-1, 1, logits.shape[2]);
        return logits.gather(1, index).squeeze(1);
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AnswerPositions.Dispose();
        AnswerIds.Dispose();
        TokenMask.Dispose();
        SequenceTargets?.Dispose();
    }
}
