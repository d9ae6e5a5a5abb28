using AgentRouter.Core.Domain;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Tokenization;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Chat;

/// <summary>Chat answers from a random Qwen3-MoE checkpoint with the real Qwen3 tokenizer and template.</summary>
public sealed class ChatGenerationTests : IClassFixture<ChatGenerationTests.Checkpoint>
{
    private readonly Checkpoint _checkpoint;

    public ChatGenerationTests(Checkpoint checkpoint) => _checkpoint = checkpoint;

    [Fact]
    public async Task Greedy_answer_stops_at_im_end_and_decodes_with_the_real_tokenizer()
    {
        var chat = _checkpoint.Chat;
        var prompt = chat.Render(TinyChatCheckpoint.StoppingPrompt);
        Assert.StartsWith("<|im_start|>user\nSay something short.<|im_end|>\n<|im_start|>assistant\n", prompt.Text, StringComparison.Ordinal);
        Assert.Equal(chat.Tokenizer.Encode(prompt.Text), prompt.Ids);

        var pieces = new List<string>();
        var options = chat.Options(prompt.Ids.Count, new SamplingRequest(Temperature: 0, MaxTokens: 40));
        var answer = await ChatRunner.CompleteAsync(chat, _checkpoint.Host, null, prompt, options, null, pieces.Add, CancellationToken.None);

        var raw = (await _checkpoint.Host.GenerateAsync([prompt.Ids], options))[0].GeneratedIds;
        Assert.Equal(TinyChatCheckpoint.ImEnd, raw[^1]);
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal((prompt.Ids.Count, raw.Count), (answer.PromptTokens, answer.CompletionTokens));
        Assert.Equal(chat.Tokenizer.Decode(raw, skipSpecialTokens: true), answer.Text);
        Assert.DoesNotContain("<|im_end|>", answer.Text, StringComparison.Ordinal);
        Assert.Equal(answer.Text, string.Concat(pieces));
    }

    [Fact]
    public async Task Shared_kv_and_private_cache_give_the_same_greedy_answer_and_the_second_agent_reuses_the_prompt()
    {
        var chat = _checkpoint.Chat;
        var prompt = chat.Render([new ChatTurn("system", "You are a careful assistant who answers in one sentence."), new ChatTurn("user", "Name a colour.")]);
        var options = chat.Options(prompt.Ids.Count, new SamplingRequest(Temperature: 0, MaxTokens: 8));
        using var pool = new KvBlockPool(new KvBlockPoolOptions(TokensPerBlock: 8));
        var shared = new SharedKvModel(_checkpoint.Host, pool, "tiny-chat");

        var first = await ChatRunner.CompleteAsync(chat, _checkpoint.Host, shared, prompt, options, null, null, CancellationToken.None);
        var second = await ChatRunner.CompleteAsync(chat, _checkpoint.Host, shared, prompt, options, null, null, CancellationToken.None);
        var alone = await ChatRunner.CompleteAsync(chat, _checkpoint.Host, null, prompt, options, null, null, CancellationToken.None);

        Assert.Equal(alone.Text, first.Text);
        Assert.Equal(alone.Text, second.Text);
        Assert.Equal(0, first.ReusedPromptTokens);
        Assert.Equal((prompt.Ids.Count - 1) / 8 * 8, second.ReusedPromptTokens);

        // The reusing agent's prompt logits equal an unshared full forward within 1e-5 (float32).
        var reusing = await shared.RunAsync(prompt.Ids, 0);
        Assert.Equal(second.ReusedPromptTokens, reusing.ReusedTokens);
        var unshared = (await _checkpoint.Host.LogitsAsync(prompt.Ids, allPositions: false))[^1];
        Assert.True(reusing.PromptLogits.Zip(unshared, (a, b) => Math.Abs(a - b)).Max() <= 1e-5);
    }

    [Fact]
    public async Task Stop_strings_end_the_answer_before_them_and_are_never_streamed()
    {
        var chat = _checkpoint.Chat;
        // Random weights: take the first question whose greedy answer has some length before any <|im_end|>.
        ChatPrompt prompt = null!;
        GenerationOptions options = null!;
        ChatCompletion? full = null;
        foreach (var question in new[] { "Write a long story.", "Tell me about the sea.", "List ten animals.", "Describe a city.", "Why?" })
        {
            prompt = chat.Render([new ChatTurn("user", question)]);
            options = chat.Options(prompt.Ids.Count, new SamplingRequest(Temperature: 0, MaxTokens: 30));
            full = await ChatRunner.CompleteAsync(chat, _checkpoint.Host, null, prompt, options, null, null, CancellationToken.None);
            if (full.Text.Length >= 6)
            {
                break;
            }
        }
        Assert.True(full!.Text.Length >= 6, full.Text);
        var stop = full.Text.Substring(full.Text.Length / 2, 2);
        var cut = full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)];

        var pieces = new List<string>();
        var stopped = await ChatRunner.CompleteAsync(chat, _checkpoint.Host, null, prompt, options, [stop], pieces.Add, CancellationToken.None);

        Assert.Equal(cut, stopped.Text);
        Assert.Equal(cut, string.Concat(pieces));
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
        Assert.True(stopped.CompletionTokens < full.CompletionTokens);
    }

    [Fact]
    public async Task Sampling_follows_the_seed()
    {
        var chat = _checkpoint.Chat;
        var prompt = chat.Render([new ChatTurn("user", "Pick a word.")]);
        async Task<string> Sample(int seed) => (await ChatRunner.CompleteAsync(chat, _checkpoint.Host, null, prompt,
            chat.Options(prompt.Ids.Count, new SamplingRequest(Temperature: 1.5, TopP: 0.95, MaxTokens: 10, Seed: seed)), null, null, CancellationToken.None)).Text;

        Assert.Equal(await Sample(5), await Sample(5));
        Assert.NotEqual(await Sample(5), await Sample(6));
    }

    [Fact]
    public void Prompts_past_the_context_and_non_positive_max_tokens_are_errors_naming_the_field()
    {
        var chat = _checkpoint.Chat;
        var tooLong = chat.Render([new ChatTurn("user", string.Join(' ', Enumerable.Repeat("word", 600)))]);
        var context = Assert.Throws<GenerationRequestException>(() => chat.Options(tooLong.Ids.Count, null));
        Assert.Equal("messages", context.Field);
        Assert.Contains("max_position_embeddings", context.Message, StringComparison.Ordinal);

        var zero = Assert.Throws<GenerationRequestException>(() => chat.Options(10, new SamplingRequest(MaxTokens: 0)));
        Assert.Equal("max_tokens", zero.Field);
        var tooMany = Assert.Throws<GenerationRequestException>(() => chat.Options(10, new SamplingRequest(MaxTokens: 600)));
        Assert.Contains("do not fit", tooMany.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_ids_come_from_config_generation_config_and_the_tokenizer()
    {
        Assert.Equal([TinyChatCheckpoint.EndOfText, TinyChatCheckpoint.ImEnd], _checkpoint.Chat.StopTokenIds);
    }

    [Fact]
    public void A_tokenizer_larger_than_the_model_vocabulary_is_refused()
    {
        var error = Assert.Throws<TokenizerLoadException>(() =>
            ChatCheckpoint.Load(_checkpoint.Directory, TinyChatCheckpoint.Config with { VocabSize = 1000 }));
        Assert.Contains("vocab_size 1000", error.Message, StringComparison.Ordinal);
    }

    public sealed class Checkpoint : IDisposable
    {
        private readonly TemporaryDirectory _temporary = new();

        public Checkpoint()
        {
            Directory = TinyChatCheckpoint.Write(_temporary.Combine("qwen3-chat"));
            Host = ModelHost.LoadAsync(Directory, CPU).GetAwaiter().GetResult();
            Chat = ChatCheckpoint.Load(Directory, Host.Config);
        }

        public string Directory { get; }

        public ModelHost Host { get; }

        public ChatCheckpoint Chat { get; }

        public void Dispose()
        {
            Host.Dispose();
            _temporary.Dispose();
        }
    }
}
