using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Safetensors;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Cli.Commands;

/// <summary>Bad command-line input is a usage error, not a crash.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message) : base(message)
    {
    }
}

/// <summary>Turns the typed input errors of the engine into a one-line message on stderr and exit code 2.</summary>
internal static class CliErrors
{
    public const int BadInputExitCode = 2;

    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception exception) when (IsInputError(exception))
        {
            return Report(exception);
        }
    }

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (IsInputError(exception))
        {
            return Report(exception);
        }
    }

    private static bool IsInputError(Exception exception) => exception is CliUsageException or ModelConfigException or CheckpointException
        or SafetensorsFormatException or GenerationRequestException or TokenizerLoadException or Inference.Gguf.GgufFormatException
        or Inference.Templates.ChatTemplateException;

    private static int Report(Exception exception)
    {
        Console.Error.WriteLine($"error: {exception.Message}");
        return BadInputExitCode;
    }
}
