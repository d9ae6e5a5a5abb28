using AgentRouter.Core.Backends;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Tests.Chat;
using Xunit.Abstractions;

namespace AgentRouter.LocalAgents.Tests;

/// <summary>Local agents on a real chat checkpoint (random Qwen3-MoE weights, the real Qwen3 tokenizer and template).</summary>
public sealed class ChatAgentTests : IDisposable
{
    private const string SystemPrompt = "You are one of three careful assistants on a panel. Answer the question in one short sentence, then stop.";

    private readonly ITestOutputHelper _output;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentrouter-chat-" + Guid.NewGuid().ToString("N"));
    private readonly SharedModelHosts _hosts = new();
    private readonly string _model;

    public ChatAgentTests(ITestOutputHelper output)
    {
        _output = output;
        _model = TinyChatCheckpoint.Write(Path.Combine(_root, "qwen3-chat"));
    }

    public void Dispose()
    {
        _hosts.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_chat_agent_answers_in_text_with_usage_cost_and_streamed_pieces()
    {
        var agent = Build("chat", $$"""{"modelPath":"qwen3-chat","maxNewTokens":24}""");
        var pieces = new List<string>();
        var query = new Query("q1", "Say something short.", Chat: new ChatContent(TinyChatCheckpoint.StoppingPrompt, new SamplingRequest(Temperature: 0)));

        var analysis = await agent.AnalyzeAsync("chat", query, pieces.Add, CancellationToken.None);

        var usage = Assert.IsType<TokenUsage>(analysis.Usage);
        Assert.True(usage.CompletionTokens is > 1 and < 24, $"{usage.CompletionTokens} tokens: the answer should stop at <|im_end|>");
        Assert.DoesNotContain("<|im_end|>", analysis.Text, StringComparison.Ordinal);
        Assert.Equal(analysis.Text, string.Concat(pieces));
        Assert.Equal(0.001 * usage.PromptTokens + 0.002 * usage.CompletionTokens, analysis.Cost, 9);
        Assert.Null(analysis.Choice);
    }

    [Fact]
    public async Task Three_chat_agents_with_a_common_system_prompt_reuse_its_kv_blocks()
    {
        var agents = new[] { "panel-a", "panel-b", "panel-c" }
            .Select(name => (Name: name, Backend: Build(name, $$"""{"modelPath":"qwen3-chat","maxNewTokens":4,"systemPrompt":"{{SystemPrompt}}"}""")))
            .ToList();
        var query = new Query("q2", "What is the capital of France?", Chat: new ChatContent([new ChatTurn("user", "What is the capital of France?")], new SamplingRequest(Temperature: 0)));

        var answers = new List<AgentAnalysis>();
        foreach (var (name, backend) in agents)
        {
            answers.Add(await backend.AnalyzeAsync(name, query, null, CancellationToken.None));
        }

        var prompt = answers[0].KvReuse!.PromptTokens;
        Assert.Equal(0, answers[0].KvReuse!.ReusedTokens);
        // Identical templated prompts: the 2nd and 3rd agents reuse every whole block but the one holding the last token.
        var reusable = (prompt - 1) / _hosts.KvPoolOptions.TokensPerBlock * _hosts.KvPoolOptions.TokensPerBlock;
        Assert.All(answers.Skip(1), answer => Assert.Equal(reusable, answer.KvReuse!.ReusedTokens));
        Assert.All(answers, answer => Assert.Equal(answers[0].Text, answer.Text));
        var panelFraction = answers.Sum(a => a.KvReuse!.ReusedTokens) / (double)answers.Sum(a => a.KvReuse!.PromptTokens);
        _output.WriteLine($"prompt {prompt} tokens; reused {string.Join(", ", answers.Select(a => a.KvReuse!.ReusedTokens))}; panel fraction {panelFraction:0.000}");
    }

    [Fact]
    public async Task A_multiple_choice_query_gets_the_option_its_answer_names()
    {
        var agent = Build("chooser", """{"modelPath":"qwen3-chat","maxNewTokens":6}""");
        var item = SuiteGenerator.Generate(new SuiteGenerationOptions(Count: 1, Seed: 7, Difficulties: [1]))[0];
        var analysis = await agent.AnalyzeAsync("chooser", item.ToQuery(), null, CancellationToken.None);
        Assert.Equal(Core.Merging.ChoiceExtractor.Extract(analysis.Text, item.ToQuery().Options!), analysis.Choice);
    }

    [Fact]
    public void A_hub_cache_snapshot_makes_a_chat_agent()
    {
        var snapshot = HubCacheLayout.Create(_model, Path.Combine(_root, "hub", "models--test--qwen3-chat"));
        var errors = new List<ManifestError>();
        var backend = TinyCheckpoint.BuildBackend(Manifest("hub", $$"""{"modelPath":"{{Path.GetRelativePath(_root, snapshot)}}"}"""), _hosts, errors);
        Assert.Empty(errors);
        Assert.IsType<LocalChatBackend>(backend);
    }

    [Fact]
    public void Broken_chat_settings_are_manifest_errors_naming_the_field()
    {
        var errors = new List<ManifestError>();
        Assert.Null(TinyCheckpoint.BuildBackend(Manifest("odd", """{"modelPath":"qwen3-chat","mode":"poetry","maxNewTokens":0}"""), _hosts, errors));
        Assert.Equal(["settings.maxNewTokens", "settings.mode"], errors.Select(error => error.Field).Order());
    }

    private IModelBackend Build(string name, string settingsJson)
    {
        var errors = new List<ManifestError>();
        var backend = TinyCheckpoint.BuildBackend(Manifest(name, settingsJson), _hosts, errors);
        Assert.Empty(errors);
        return Assert.IsType<LocalChatBackend>(backend);
    }

    private string Manifest(string name, string settingsJson)
    {
        var path = Path.Combine(_root, name + ".json");
        File.WriteAllText(path, $$"""{"name":"{{name}}","backend":"local","capacity":1,"cost":{"perInputToken":0.001,"perOutputToken":0.002},"settings":{{settingsJson}}}""");
        return path;
    }
}
