using LLama.Native;

namespace AgentRouter.LlamaCpp;

/// <summary>One-time set-up of llama.cpp's native library: its log goes nowhere except the last error, kept so that
/// a failed load can say why instead of printing hundreds of lines to the console.</summary>
internal static class LlamaCppNative
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    public static string? LastError { get; private set; }

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }
            NativeLibraryConfig.All.WithLogCallback((level, message) =>
            {
                if (level == LLamaLogLevel.Error)
                {
                    LastError = message.Trim();
                }
            });
            _configured = true;
        }
    }
}
