using System.CommandLine;
using AgentRouter.Core.Domain;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.KvSharing;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter model chat DIR</c>: talk to a chat checkpoint through its own tokenizer and chat template, the
/// way a local chat agent answers (same prompt, same generation path, so greedy answers agree with <c>serve</c>).</summary>
internal static class ModelChatCommand
{
    public static Command Build()
    {
        var directory = new Argument<string>("dir") { Description = "Chat checkpoint folder: config.json, safetensors, tokenizer.json, tokenizer_config.json with a chat_template (a hub-cache snapshot folder works)." };
        var prompt = new Option<string>("--prompt") { Description = "Ask one question, print the answer and exit; without it, chat line by line on stdin." };
        var system = new Option<string>("--system") { Description = "A system message put before the conversation." };
        var maxNew = new Option<int?>("--max-new") { Description = $"Most new tokens per answer (default {ChatCheckpoint.DefaultMaxNewTokens}, never past the context)." };
        var greedy = new Option<bool>("--greedy") { Description = "Argmax decoding (else generation_config.json's sampling, or greedy when it has none)." };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature (0 = greedy)." };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling mass in (0, 1]." };
        var seed = new Option<int?>("--seed") { Description = "Sampling seed." };
        var dtype = new Option<string>("--dtype") { Description = $"Parameter dtype: {InferenceDType.Known}.", DefaultValueFactory = _ => "fp32" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (default: CUDA when libtorch sees it, else the CPU)." };
        var command = new Command("chat", "Chat with a Hugging Face chat checkpoint (template → tokens → generation → text).")
        {
            directory, prompt, system, maxNew, greedy, temperature, topP, seed, dtype, device,
        };
        command.SetAction((parseResult, cancellationToken) => CliErrors.GuardAsync(async () =>
        {
            var path = parseResult.GetValue(directory)!;
            var (parsedDevice, parsedDType) = Placement(parseResult.GetValue(device), parseResult.GetValue(dtype)!);
            using var host = await ModelHost.LoadAsync(path, parsedDevice, parsedDType);
            var chat = ChatCheckpoint.Load(path, host.Config);
            using var pool = new KvBlockPool(new KvBlockPoolOptions());
            var model = new SharedKvModel(host, pool, path);
            var sampling = new SamplingRequest(parseResult.GetValue(greedy) ? 0 : parseResult.GetValue(temperature), parseResult.GetValue(topP),
                parseResult.GetValue(maxNew), null, parseResult.GetValue(seed));
            var conversation = new List<ChatTurn>();
            if (parseResult.GetValue(system) is { Length: > 0 } systemText)
            {
                conversation.Add(new ChatTurn("system", systemText));
            }

            async Task<string> AnswerAsync(string question, Action<string>? onText)
            {
                conversation.Add(new ChatTurn("user", question));
                var rendered = chat.Render(conversation);
                var options = chat.Options(rendered.Ids.Count, sampling with { MaxTokens = sampling.MaxTokens });
                var answer = await ChatRunner.CompleteAsync(chat, host, model, rendered, options, null, onText, cancellationToken);
                conversation.Add(new ChatTurn("assistant", answer.Text));
                return answer.Text;
            }

            if (parseResult.GetValue(prompt) is { } oneShot)
            {
                Console.WriteLine(await AnswerAsync(oneShot, null));
                return 0;
            }

            Console.Error.WriteLine($"chatting with {path} ({host.Config.Architecture}, {InferenceDType.Name(parsedDType)}); an empty line or end of input quits");
            while (!cancellationToken.IsCancellationRequested)
            {
                Console.Error.Write("> ");
                var line = Console.ReadLine();
                if (string.IsNullOrWhiteSpace(line))
                {
                    break;
                }
                await AnswerAsync(line, piece => Console.Write(piece));
                Console.WriteLine();
            }
            return 0;
        }));
        return command;
    }

    /// <summary>--device and --dtype as a device (null: CUDA when available, else the CPU) and a dtype; bad values are usage errors.</summary>
    public static (TorchSharp.torch.Device? Device, TorchSharp.torch.ScalarType DType) Placement(string? device, string dtype) =>
        (device is null ? null : Parse(() => InferenceDevice.Parse(device)), Parse(() => InferenceDType.Parse(dtype)));

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException exception)
        {
            throw new CliUsageException(exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message);
        }
    }
}
