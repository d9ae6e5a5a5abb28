using System.CommandLine;
using System.Text.Json;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter model info|logits|generate|assemble-fixture|export-gguf|tokenize|render-chat</c>: the inference engine on a checkpoint folder.</summary>
internal static class ModelCommands
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly JsonSerializerOptions CompactJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Build()
    {
        var command = new Command("model", "Inspect and run Hugging Face-format MoE checkpoints (config.json + safetensors).");
        command.Subcommands.Add(BuildInfo());
        command.Subcommands.Add(BuildLogits());
        command.Subcommands.Add(BuildGenerate());
        command.Subcommands.Add(BuildAssembleFixture());
        command.Subcommands.Add(ModelExportGgufCommand.Build());
        command.Subcommands.Add(ModelTokenizerCommands.BuildTokenize());
        command.Subcommands.Add(ModelTokenizerCommands.BuildRenderChat());
        command.Subcommands.Add(ModelChatCommand.Build());
        return command;
    }

    private static Argument<string> DirectoryArgument() => new("dir") { Description = "Checkpoint folder holding config.json and model.safetensors (or a sharded index)." };

    private static Command BuildInfo()
    {
        var directory = DirectoryArgument();
        var command = new Command("info", "Print the config summary and total / active parameter counts.") { directory };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            var path = parseResult.GetValue(directory)!;
            var config = ModelCheckpoint.LoadConfig(path);
            var counts = ParameterCounts.Of(config);
            var summary = new
            {
                ModelType = config.Architecture.ToModelType(),
                config.VocabSize,
                config.HiddenSize,
                Layers = config.NumLayers,
                SparseLayers = Enumerable.Range(0, config.NumLayers).Count(config.IsSparseLayer),
                AttentionHeads = config.NumHeads,
                KeyValueHeads = config.NumKeyValueHeads,
                config.HeadDim,
                Experts = config.NumExperts,
                config.ExpertsPerToken,
                config.ExpertIntermediateSize,
                config.SharedExpertIntermediateSize,
                config.MaxPositionEmbeddings,
                config.TieWordEmbeddings,
                TotalParameters = counts.Total,
                ActiveParametersPerToken = counts.ActivePerToken,
            };
            Console.WriteLine(JsonSerializer.Serialize(summary, Json));
            return 0;
        }));
        return command;
    }

    private static Command BuildLogits()
    {
        var directory = DirectoryArgument();
        var ids = new Option<string>("--ids") { Description = "Comma-separated token ids, e.g. 1,2,3.", Required = true };
        var allPositions = new Option<bool>("--all-positions") { Description = "Print the logits of every position, not only the last." };
        var dtype = new Option<string>("--dtype") { Description = $"Parameter dtype: {InferenceDType.Known}.", DefaultValueFactory = _ => "fp32" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (default: CUDA when libtorch sees it, else the CPU)." };
        var command = new Command("logits", "Run one forward pass and print the logits as JSON.") { directory, ids, allPositions, dtype, device };
        command.SetAction((parseResult, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var tokenIds = TokenIdList.Parse(parseResult.GetValue(ids)!, "--ids");
            var (onDevice, type) = ModelChatCommand.Placement(parseResult.GetValue(device), parseResult.GetValue(dtype)!);
            using var host = await ModelHost.LoadAsync(parseResult.GetValue(directory)!, onDevice, type);
            var all = parseResult.GetValue(allPositions);
            var logits = await host.LogitsAsync(tokenIds, all, cancellationToken);
            var firstPosition = all ? 0 : tokenIds.Count - 1;
            var result = new { Ids = tokenIds, Positions = Enumerable.Range(firstPosition, logits.Length).ToArray(), Logits = logits };
            Console.WriteLine(JsonSerializer.Serialize(result, CompactJson));
            return 0;
        }));
        return command;
    }

    private static Command BuildGenerate()
    {
        var directory = DirectoryArgument();
        var prompt = new Option<string>("--prompt") { Description = "Prompt text (needs a tokenizer in the folder, or a byte-level vocabulary)." };
        var ids = new Option<string>("--ids") { Description = "Prompt as comma-separated token ids." };
        var maxNew = new Option<int>("--max-new") { Description = "Maximum new tokens.", DefaultValueFactory = _ => 32 };
        var greedy = new Option<bool>("--greedy") { Description = "Argmax decoding instead of sampling." };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature.", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k most likely tokens (0 = all)." };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass.", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed." };
        var command = new Command("generate", "Continue a prompt, streaming tokens to stderr and printing the result as JSON.")
        {
            directory, prompt, ids, maxNew, greedy, temperature, topK, topP, seed,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var path = parseResult.GetValue(directory)!;
            var promptText = parseResult.GetValue(prompt);
            var idText = parseResult.GetValue(ids);
            if ((promptText is null) == (idText is null))
            {
                throw new CliUsageException("give exactly one of --prompt and --ids");
            }
            var config = ModelCheckpoint.LoadConfig(path);
            var tokenizer = TokenizerLoader.TryLoad(path, config);
            IReadOnlyList<int> promptIds;
            if (promptText is not null)
            {
                if (tokenizer is null)
                {
                    throw new CliUsageException($"{path} has no tokenizer.json or tokenizer.model and its vocabulary ({config.VocabSize}) is too small for bytes; use --ids");
                }
                promptIds = tokenizer.Encode(promptText);
            }
            else
            {
                promptIds = TokenIdList.Parse(idText!, "--ids");
            }
            var options = new GenerationOptions
            {
                MaxNewTokens = parseResult.GetValue(maxNew),
                Greedy = parseResult.GetValue(greedy),
                Temperature = parseResult.GetValue(temperature),
                TopK = parseResult.GetValue(topK),
                TopP = parseResult.GetValue(topP),
                Seed = parseResult.GetValue(seed),
            };
            RequestValidator.ValidateGeneration(config, new[] { promptIds }, options);
            using var host = await ModelHost.LoadAsync(path);
            var results = await host.GenerateAsync(new[] { promptIds }, options,
                token => Console.Error.Write(tokenizer is null ? $"{token.TokenId} " : tokenizer.Decode(new[] { token.TokenId })), cancellationToken);
            Console.Error.WriteLine();
            var sequence = results.Single();
            var result = new
            {
                PromptIds = sequence.PromptIds,
                GeneratedIds = sequence.GeneratedIds,
                Text = tokenizer?.Decode(sequence.GeneratedIds),
                StopReason = sequence.StopReason.ToString(),
            };
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return 0;
        }));
        return command;
    }

    private static Command BuildAssembleFixture()
    {
        var fixtures = new Argument<string>("fixtures") { Description = "The hf-moe fixture folder (e.g. data/hf-moe)." };
        var name = new Argument<string>("name") { Description = $"Fixture checkpoint: {string.Join(" or ", FixtureCheckpointAssembler.ConfigOfCheckpoint.Keys)}." };
        var output = new Argument<string>("out") { Description = "Folder to create with config.json and model.safetensors." };
        var command = new Command("assemble-fixture", "Build a checkpoint folder from the flat hf-moe fixture files.") { fixtures, name, output };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            var target = FixtureCheckpointAssembler.Assemble(parseResult.GetValue(fixtures)!, parseResult.GetValue(name)!, parseResult.GetValue(output)!);
            Console.WriteLine(target);
            return 0;
        }));
        return command;
    }
}
