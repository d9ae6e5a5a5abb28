using System.CommandLine;
using AgentRouter.Inference.Gguf;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter model export-gguf DIR OUT.gguf [--type f32|f16|bf16|q8_0] [--pre NAME]</c>: a checkpoint
/// folder as a GGUF file llama.cpp loads.</summary>
internal static class ModelExportGgufCommand
{
    public static Command Build()
    {
        var directory = new Argument<string>("dir") { Description = "Checkpoint folder holding config.json and model.safetensors (or a sharded index); tokenizer.json and tokenizer_config.json are exported when present." };
        var output = new Argument<string>("out") { Description = "The .gguf file to write (written beside as OUT.tmp, then renamed)." };
        var type = new Option<string>("--type") { Description = "Storage type of the weight matrices: f32, f16, bf16 or q8_0 (norms, biases and the expert router stay f32).", DefaultValueFactory = _ => "f32" };
        var pre = new Option<string?>("--pre") { Description = "llama.cpp pre-tokenizer name (tokenizer.ggml.pre) when it cannot be inferred from tokenizer.json (Qwen2/3 and Llama-3 patterns are)." };
        var command = new Command("export-gguf", "Write a checkpoint as a GGUF file llama.cpp loads (qwen3moe, qwen2moe, olmoe, or llama for Mixtral/Llama/Mistral).")
        {
            directory, output, type, pre,
        };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            var typeText = parseResult.GetValue(type)!;
            if (!GgufExportTypes.TryParse(typeText, out var exportType))
            {
                throw new CliUsageException($"--type: '{typeText}' is not one of f32, f16, bf16, q8_0");
            }
            var target = parseResult.GetValue(output)!;
            var progress = new Progress<string>(line => Console.Error.WriteLine(line));
            GgufExporter.Export(parseResult.GetValue(directory)!, target, new GgufExportOptions(exportType, parseResult.GetValue(pre)), progress);
            Console.WriteLine($"{target}: {new FileInfo(target).Length:N0} bytes");
            return 0;
        }));
        return command;
    }
}
