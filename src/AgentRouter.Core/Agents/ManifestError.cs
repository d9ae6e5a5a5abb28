namespace AgentRouter.Core.Agents;

/// <summary>A schema violation in a manifest or preset file.</summary>
/// <param name="Field">JSON path of the offending field (e.g. <c>cost.perCall</c>), or empty for the whole file.</param>
public sealed record ManifestError(string File, string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? $"{File}: {Message}" : $"{File}: field '{Field}': {Message}";
}

/// <summary>Thrown when manifests are required to be valid (start-up) and some are not.</summary>
public sealed class ManifestValidationException(IReadOnlyList<ManifestError> errors)
    : Exception("Invalid agent configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ManifestError> Errors { get; } = errors;
}
