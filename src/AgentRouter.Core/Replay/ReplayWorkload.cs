using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;

namespace AgentRouter.Core.Replay;

/// <summary>A loaded replay workload: agents and their recorded answers per query, all in memory.</summary>
public sealed class ReplayWorkload
{
    private readonly Dictionary<string, int> _agentIndex;

    public ReplayWorkload(string source, string format, IReadOnlyList<AgentProfile> agents, IReadOnlyList<ReplayItem> items, ReplayLoadReport load)
    {
        Source = source;
        Format = format;
        Agents = agents;
        Items = items;
        Load = load;
        _agentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < agents.Count; i++)
        {
            _agentIndex.Add(agents[i].Name, i);
        }
    }

    public string Source { get; }

    public string Format { get; }

    public IReadOnlyList<AgentProfile> Agents { get; }

    public IReadOnlyList<ReplayItem> Items { get; }

    public ReplayLoadReport Load { get; }

    /// <summary>Feature dimension attached by <see cref="AttachFeatures"/>; 0 when none.</summary>
    public int FeatureDimension { get; private set; }

    /// <summary>Changes whenever the items' queries are replaced (<see cref="AttachFeatures"/>), so that an engine's
    /// replay-ordered copy of them (<see cref="ReplayTimeline"/>) knows when to rebuild.</summary>
    internal int QueryVersion { get; private set; }

    public bool TryGetAgentIndex(string agent, out int index) => _agentIndex.TryGetValue(agent, out index);

    /// <summary>Computes every query's features once, at load time, so that no policy featurizes on its decision path.</summary>
    public void AttachFeatures(IQueryFeaturizer featurizer)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        foreach (var item in Items)
        {
            item.AttachFeatures(featurizer.Featurize(item.Query.Text));
        }

        FeatureDimension = featurizer.Dimension;
        QueryVersion++;
        Load.Assumptions.Add($"query features: {featurizer.GetType().Name}, {featurizer.Dimension} dimensions, computed once at load time");
    }
}
