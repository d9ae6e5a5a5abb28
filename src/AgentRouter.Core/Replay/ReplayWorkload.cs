using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Replay;

/// <summary>How a workload was read: everything the report must state about the data and the assumptions made.</summary>
public sealed class ReplayLoadReport
{
    public long RowsRead { get; set; }

    /// <summary>Rows dropped under --skip-bad-rows, with the first few reasons.</summary>
    public int RowsSkipped { get; set; }

    public List<string> SkippedReasons { get; } = [];

    /// <summary>Rows left out because no agent had a usable record.</summary>
    public int RowsWithoutCandidates { get; set; }

    /// <summary>Per agent: queries where it is not a candidate because its correctness or cost cell is empty.</summary>
    public Dictionary<string, int> EmptyCells { get; } = new(StringComparer.Ordinal);

    /// <summary>Sample ids seen more than once (kept, renamed id#2, id#3…).</summary>
    public int DuplicateIds { get; set; }

    /// <summary>Multiple-choice queries whose correct letter could not be inferred from the correct answers.</summary>
    public int GoldUnknown { get; set; }

    /// <summary>Of <see cref="GoldUnknown"/>: queries where no agent was recorded correct (every answer scores 0 anyway).</summary>
    public int GoldUnknownNoneCorrect { get; set; }

    public int MultipleChoiceQueries { get; set; }

    /// <summary>Columns present in the file but not used (named so that nothing is dropped silently).</summary>
    public List<string> IgnoredColumns { get; } = [];

    /// <summary>Human-readable statements of every assumption (costs, latencies, skills).</summary>
    public List<string> Assumptions { get; } = [];

    internal const int MaxReasonsKept = 20;

    internal void CountMultipleChoice(ReplayItem item)
    {
        if (item.Query.Options is null)
        {
            return;
        }

        MultipleChoiceQueries++;
        if (item.GoldChoice is null)
        {
            GoldUnknown++;
            if (item.OracleQuality < 1)
            {
                GoldUnknownNoneCorrect++;
            }
        }
    }

    internal void RecordSkipped(ReplayDataException error)
    {
        RowsSkipped++;
        if (SkippedReasons.Count < MaxReasonsKept)
        {
            SkippedReasons.Add(error.Message);
        }
    }
}

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

    public bool TryGetAgentIndex(string agent, out int index) => _agentIndex.TryGetValue(agent, out index);

    /// <summary>Computes every query's features once, at load time, so that no policy featurizes on its decision path.</summary>
    public void AttachFeatures(Func<string, float[]> featurize)
    {
        ArgumentNullException.ThrowIfNull(featurize);
        foreach (var item in Items)
        {
            var features = featurize(item.Query.Text);
            FeatureDimension = features.Length;
            item.AttachFeatures(features);
        }
    }
}
