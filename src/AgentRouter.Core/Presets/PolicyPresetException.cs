namespace AgentRouter.Core.Presets;

/// <summary>A policy preset file is unusable. <see cref="File"/> is the file and <see cref="Field"/> the JSON
/// path of the offending field (e.g. "parameters.alpha"), or null when the file as a whole is at fault.</summary>
public sealed class PolicyPresetException : Exception
{
    public PolicyPresetException(string file, string? field, string problem, Exception? inner = null)
        : base(field is null ? $"{file}: {problem}" : $"{file}: field '{field}': {problem}", inner)
    {
        File = file;
        Field = field;
    }

    public string File { get; }

    public string? Field { get; }
}
