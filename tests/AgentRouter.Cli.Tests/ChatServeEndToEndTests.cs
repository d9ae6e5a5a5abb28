using System.ClientModel;
using System.Text;
using System.Text.Json;
using AgentRouter.Hosting;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Tests.Chat;
using AgentRouter.Inference.Tokenization.HuggingFace;
using AgentRouter.Server.Hosting;
using OpenAI;
using OpenAI.Chat;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Tests;

/// <summary>
/// Issue #19's end-to-end check: a random-weight Qwen3-MoE checkpoint with the real Qwen3 vocabulary, tokenizer and chat
/// template served as three local chat agents (one of them from a hub-cache snapshot whose files are symlinks into
/// <c>blobs/</c>) plus the routers, through the product's composition root on a loopback port, called with the official
/// OpenAI .NET SDK. The expected answer is computed without the chat stack: the Qwen3 rendering written out by hand, the
/// tokenizer's ids, plain greedy generation on the loaded model, the tokenizer's decode. Requests the agents cannot serve
/// (a prompt past the context, max_tokens that do not fit or are not positive) are 400s naming the field, plain and
/// streamed; broken chat-agent manifests stop the server with errors naming the file and field.
/// </summary>
public sealed class ChatServeEndToEndTests(ChatServeEndToEndTests.Served served, ITestOutputHelper output) : IClassFixture<ChatServeEndToEndTests.Served>
{
    private const string Question = "Say something short.";

    /// <summary>What Qwen3's template renders for one user turn with the generation prompt (see the reference rendering in
    /// ModelTokenizerCommandTests), written out so that the expected prompt does not come from the code under test.</summary>
    private const string RenderedQuestion = "<|im_start|>user\n" + Question + "<|im_end|>\n<|im_start|>assistant\n";

    private const int MaxTokens = 24;

    [Fact]
    public async Task A_local_chat_agent_answers_with_the_tokenizers_text_stops_at_im_end_and_counts_the_templated_prompt()
    {
        var result = await served.Client("chat-a").CompleteChatAsync([new UserChatMessage(Question)], Greedy());
        var completion = result.Value;
        output.WriteLine($"answer {JsonSerializer.Serialize(completion.Content[0].Text)}; usage {completion.Usage.InputTokenCount} + {completion.Usage.OutputTokenCount}");

        Assert.Equal(served.Expected.Text, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.DoesNotContain("<|im_end|>", completion.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(served.Expected.PromptTokens, completion.Usage.InputTokenCount);
        Assert.Equal(served.Expected.CompletionTokens, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.OutputTokenCount < MaxTokens, "the answer must end at <|im_end|>, not at max_tokens");
    }

    [Fact]
    public async Task A_streamed_answer_arrives_in_pieces_that_add_up_to_the_same_text_and_usage()
    {
        var text = new StringBuilder();
        var pieces = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in served.Client("chat-b").CompleteChatStreamingAsync([new UserChatMessage(Question)], Greedy()))
        {
            foreach (var part in update.ContentUpdate)
            {
                if (part.Text.Length > 0)
                {
                    pieces++;
                    text.Append(part.Text);
                }
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(served.Expected.Text, text.ToString());
        Assert.True(pieces >= 2, $"expected the answer token by token, got {pieces} content piece(s)");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(served.Expected.PromptTokens, usage.InputTokenCount);
        Assert.Equal(served.Expected.CompletionTokens, usage.OutputTokenCount);
    }

    [Fact]
    public async Task The_router_panel_of_three_including_the_hub_snapshot_agent_answers_plain_and_streamed()
    {
        var plain = (await served.Client("router").CompleteChatAsync([new UserChatMessage(Question)], Greedy())).Value;
        Assert.Equal(served.Expected.Text, plain.Content[0].Text);
        // Usage is summed over the panel: each of the three agents read the templated prompt and wrote the same answer.
        Assert.Equal(3 * served.Expected.PromptTokens, plain.Usage.InputTokenCount);
        Assert.Equal(3 * served.Expected.CompletionTokens, plain.Usage.OutputTokenCount);

        var streamed = new StringBuilder();
        await foreach (var update in served.Client("router").CompleteChatStreamingAsync([new UserChatMessage(Question)], Greedy()))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }
        Assert.Equal(served.Expected.Text, streamed.ToString());

        // The snapshot agent, alone: its checkpoint was read through the symlinks.
        var hub = (await served.Client("chat-hub").CompleteChatAsync([new UserChatMessage(Question)], Greedy())).Value;
        Assert.Equal(served.Expected.Text, hub.Content[0].Text);
    }

    [Fact]
    public async Task Model_chat_prints_the_same_greedy_answer_as_the_server()
    {
        var run = await CliProcess.RunAsync(["model", "chat", served.ModelDirectory, "--prompt", Question, "--greedy", "--max-new", $"{MaxTokens}"],
            served.Root, TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(served.Expected.Text + "\n", run.Output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("chat-a")]
    [InlineData("router")]
    public async Task Requests_the_agents_cannot_serve_are_400s_naming_the_field_plain_and_streamed(string model)
    {
        // The tiny checkpoint's context (max_position_embeddings) is 512 tokens; this prompt is over 600 once templated.
        var tooLong = new UserChatMessage(string.Join(' ', Enumerable.Repeat("word", 600)));
        AssertBadRequest(await Assert.ThrowsAsync<ClientResultException>(() => served.Client(model).CompleteChatAsync([tooLong], Greedy())),
            "messages", "max_position_embeddings");
        AssertBadRequest(await Assert.ThrowsAsync<ClientResultException>(() => DrainAsync(served.Client(model).CompleteChatStreamingAsync([tooLong], Greedy()))),
            "messages", "max_position_embeddings");

        // A short prompt, but more new tokens than the context has left.
        var tooMany = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 510 };
        AssertBadRequest(await Assert.ThrowsAsync<ClientResultException>(() => served.Client(model).CompleteChatAsync([new UserChatMessage(Question)], tooMany)),
            "max_tokens", "do not fit");

        var none = new ChatCompletionOptions { MaxOutputTokenCount = 0 };
        AssertBadRequest(await Assert.ThrowsAsync<ClientResultException>(() => served.Client(model).CompleteChatAsync([new UserChatMessage(Question)], none)),
            "max_completion_tokens", "at least 1");
    }

    [Fact]
    public async Task Chat_agents_with_an_unknown_dtype_or_device_cuda_without_a_gpu_or_a_mismatched_vocabulary_stop_the_server_naming_file_and_field()
    {
        var agents = Directory.CreateDirectory(Path.Combine(served.Root, "bad-agents-" + Guid.NewGuid().ToString("N"))).FullName;
        var smallVocabulary = Path.Combine(served.Root, "qwen3-small-vocab");
        // The real Qwen3 tokenizer (151,669 ids) over a model whose config says vocab_size 1000.
        using (var model = Inference.Modules.MoeForCausalLm.CreateRandom(TinyChatCheckpoint.Config with { VocabSize = 1000, EosTokenIds = [1] }, seed: 3))
        {
            ModelCheckpoint.Save(model, smallVocabulary);
        }
        foreach (var file in new[] { HuggingFaceTokenizer.TokenizerFileName, HuggingFaceTokenizer.ConfigFileName })
        {
            File.Copy(Path.Combine(served.ModelDirectory, file), Path.Combine(smallVocabulary, file));
        }
        Served.Manifest(agents, "odd-dtype", served.ModelDirectory, ("dtype", "int4"));
        Served.Manifest(agents, "odd-device", served.ModelDirectory, ("device", "tpu:0"));
        Served.Manifest(agents, "small-vocab", smallVocabulary);
        var cpuOnly = !cuda.is_available();
        if (cpuOnly)
        {
            Served.Manifest(agents, "wants-cuda", served.ModelDirectory, ("device", "cuda:0"));
        }

        var error = await Assert.ThrowsAsync<Core.Agents.ManifestValidationException>(() => AgentRouterHost.StartServerAsync(served.Options(agents)));

        string Message(string agent, string field) =>
            Assert.Single(error.Errors, e => Path.GetFileName(e.File) == agent + ".json" && e.Field == field).Message;
        Assert.Contains("unknown dtype 'int4'", Message("odd-dtype", "settings.dtype"), StringComparison.Ordinal);
        Assert.Contains("unknown device 'tpu:0'", Message("odd-device", "settings.device"), StringComparison.Ordinal);
        Assert.Contains("vocab_size 1000 is smaller than the tokenizer's vocabulary", Message("small-vocab", "settings.modelPath"), StringComparison.Ordinal);
        if (cpuOnly)
        {
            Assert.Contains("no CUDA device", Message("wants-cuda", "settings.device"), StringComparison.Ordinal);
        }
    }

    private static void AssertBadRequest(ClientResultException error, string field, string problem)
    {
        Assert.Equal(400, error.Status);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        var details = body.RootElement.GetProperty("error");
        Assert.Equal(field, details.GetProperty("param").GetString());
        Assert.Contains(problem, details.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task DrainAsync(IAsyncEnumerable<StreamingChatCompletionUpdate> updates)
    {
        await foreach (var _ in updates)
        {
        }
    }

    private static ChatCompletionOptions Greedy() => new() { Temperature = 0, MaxOutputTokenCount = MaxTokens };

    /// <summary>The greedy answer, worked out without the chat stack.</summary>
    public sealed record ExpectedAnswer(string Text, int PromptTokens, int CompletionTokens);

    /// <summary>The checkpoint, its hub-cache copy, the agent manifests and the running server, shared by the tests.</summary>
    public sealed class Served : IAsyncLifetime
    {
        private AgentRouterServer? _server;

        public string Root { get; } = Directory.CreateTempSubdirectory("agentrouter-chat-e2e-").FullName;

        public string ModelDirectory => Path.Combine(Root, "qwen3-chat");

        public ExpectedAnswer Expected { get; private set; } = null!;

        public ChatClient Client(string model) =>
            new(model, new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = new Uri(_server!.BaseAddress, "/v1") });

        public async Task InitializeAsync()
        {
            TinyChatCheckpoint.Write(ModelDirectory);
            var snapshot = HubCacheLayout.Create(ModelDirectory, Path.Combine(Root, "hub", "models--test--qwen3-chat"));
            Expected = Answer(ModelDirectory);

            var agents = Directory.CreateDirectory(Path.Combine(Root, "agents")).FullName;
            Manifest(agents, "chat-a", ModelDirectory);
            Manifest(agents, "chat-b", ModelDirectory);
            Manifest(agents, "chat-hub", snapshot);
            _server = await AgentRouterHost.StartServerAsync(Options(agents));
        }

        /// <summary>A server on a free loopback port over the manifests in <paramref name="agents"/>.</summary>
        public ServerOptions Options(string agents)
        {
            var options = new ServerOptions
            {
                AgentsDirectory = agents,
                PoliciesDirectory = Path.Combine(CliProcess.RepositoryRoot, "policies"),
                // Generous for a loaded 2-core machine; a healthy answer takes milliseconds.
                AgentDeadline = TimeSpan.FromSeconds(60),
            };
            options.Urls.Clear();
            options.Urls.Add("http://127.0.0.1:0");
            return options;
        }

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
            Directory.Delete(Root, recursive: true);
        }

        /// <summary>A chat agent's manifest over <paramref name="modelDirectory"/>, with <paramref name="extraSettings"/>.</summary>
        public static void Manifest(string agents, string name, string modelDirectory, params (string Name, string Value)[] extraSettings)
        {
            var settings = new Dictionary<string, string> { ["modelPath"] = modelDirectory, ["mode"] = "chat" };
            foreach (var (setting, value) in extraSettings)
            {
                settings[setting] = value;
            }
            File.WriteAllText(Path.Combine(agents, name + ".json"), JsonSerializer.Serialize(new
            {
                name,
                backend = "local",
                capacity = 1,
                cost = new { perInputToken = 0.001, perOutputToken = 0.002 },
                settings,
            }));
        }

        private static ExpectedAnswer Answer(string directory)
        {
            var tokenizer = HuggingFaceTokenizer.FromDirectory(directory);
            var prompt = tokenizer.Encode(RenderedQuestion);
            using var model = ModelCheckpoint.Load(directory);
            IReadOnlyList<int> generated;
            using (inference_mode())
            {
                generated = SequenceGenerator.Generate(model, [prompt],
                    GenerationOptions.GreedyDecoding(MaxTokens) with { StopTokenIds = [TinyChatCheckpoint.ImEnd, TinyChatCheckpoint.EndOfText] })[0].GeneratedIds;
            }
            Assert.Equal(TinyChatCheckpoint.ImEnd, generated[^1]);
            // As transformers' decode(ids, skip_special_tokens=True): the closing <|im_end|> is not text.
            return new ExpectedAnswer(tokenizer.Decode(generated, skipSpecialTokens: true), prompt.Count, generated.Count);
        }
    }
}
