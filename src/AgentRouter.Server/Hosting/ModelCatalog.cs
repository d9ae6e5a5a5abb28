namespace AgentRouter.Server.Hosting;

/// <summary>One entry of <c>GET /v1/models</c>.</summary>
/// <param name="Kind"><c>agent</c> (a direct call to one agent) or <c>router</c>.</param>
/// <param name="RouterName">The actor runtime's router that serves this model id.</param>
public sealed record ModelEntry(string Id, string Kind, string RouterName, string Policy, string Description);

/// <summary>Model ids the API accepts: each agent by name, <c>router</c> (the default preset) and
/// <c>router:&lt;preset&gt;</c> for every policy preset.</summary>
public sealed class ModelCatalog(IReadOnlyList<ModelEntry> entries)
{
    public const string AgentRouterPrefix = "agent:";
    public const string DefaultRouter = "router";

    private readonly Dictionary<string, ModelEntry> _byId = entries.ToDictionary(e => e.Id, StringComparer.Ordinal);

    public IReadOnlyList<ModelEntry> Entries { get; } = entries;

    public bool TryResolve(string model, out ModelEntry entry) => _byId.TryGetValue(model, out entry!);

    public string Known() => string.Join(", ", Entries.Select(e => e.Id));
}
