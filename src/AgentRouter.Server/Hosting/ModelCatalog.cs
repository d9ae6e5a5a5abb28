namespace AgentRouter.Server.Hosting;

/// <summary>What a model id stands for.</summary>
public enum ModelKind
{
    /// <summary>A router: a panel chosen by its policy, merged.</summary>
    Router,

    /// <summary>A direct call to one agent (a fixed router of panel size 1).</summary>
    Agent,
}

/// <summary>One entry of <c>GET /v1/models</c>.</summary>
/// <param name="RouterName">The actor runtime's router that serves this model id.</param>
public sealed record ModelEntry(string Id, ModelKind Kind, string RouterName, string Policy, string Description)
{
    /// <summary>The kind as the API writes it: <c>router</c> or <c>agent</c>.</summary>
    public string KindName => Kind == ModelKind.Agent ? "agent" : "router";
}

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
