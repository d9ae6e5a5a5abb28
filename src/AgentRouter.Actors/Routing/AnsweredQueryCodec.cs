using AgentRouter.Actors.Feedback;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>Turns an answered query into the plain <see cref="AnsweredQuery"/> struct a router's feedback
/// ledger keeps, and back when its feedback arrives. Owned by one router actor (not thread-safe). The tables
/// are bounded: once they are full of distinct strings (a workload with thousands of task types or free-text
/// choices), further entries spill to <see cref="SpilledAnsweredQuery"/> objects instead of growing them.</summary>
internal sealed class AnsweredQueryCodec(int stringCapacity = 4096, int optionListCapacity = 256)
{
    private readonly StringCodes _strings = new(stringCapacity);
    private readonly OptionListCodes _options = new(optionListCapacity);

    public AnsweredQuery Encode(Query query, AgentAnalysis[] analyses, string? mergedChoice)
    {
        var entry = new AnsweredQuery { Features = query.Features, PanelCount = analyses.Length };
        if (analyses.Length <= AnsweredQuery.InlinePanel
            && _strings.TryEncode(query.TaskType, out entry.TaskType)
            && _options.TryEncode(query.Options, out entry.Options)
            && _strings.TryEncode(mergedChoice, out entry.MergedChoice)
            && TryEncodePanel(analyses, ref entry))
        {
            return entry;
        }

        var panel = new PanelOutcome[analyses.Length];
        for (var i = 0; i < analyses.Length; i++)
        {
            panel[i] = PanelOutcome.From(analyses[i]);
        }

        return new AnsweredQuery
        {
            Features = query.Features,
            PanelCount = analyses.Length,
            Spilled = new SpilledAnsweredQuery(query.TaskType, query.Options, panel, mergedChoice),
        };
    }

    /// <summary>The panel's outcomes (allocated: feedback is the rare path).</summary>
    public PanelOutcome[] Panel(in AnsweredQuery entry)
    {
        if (entry.Spilled is { } spilled)
        {
            return spilled.Panel;
        }

        var panel = new PanelOutcome[entry.PanelCount];
        for (var i = 0; i < panel.Length; i++)
        {
            var member = entry.Panel[i];
            panel[i] = new PanelOutcome(_strings.Decode(member.Agent)!, _strings.Decode(member.Choice), member.LatencyMs, member.Cost, member.Status);
        }

        return panel;
    }

    public string? MergedChoice(in AnsweredQuery entry) => entry.Spilled is { } spilled ? spilled.MergedChoice : _strings.Decode(entry.MergedChoice);

    /// <summary>The query as policies see it when they learn (its text is not kept).</summary>
    public Query Query(in AnsweredQuery entry, string id) => entry.Spilled is { } spilled
        ? new Query(id, string.Empty, spilled.TaskType, entry.Features, spilled.Options)
        : new Query(id, string.Empty, _strings.Decode(entry.TaskType), entry.Features, _options.Decode(entry.Options));

    private bool TryEncodePanel(AgentAnalysis[] analyses, ref AnsweredQuery entry)
    {
        for (var i = 0; i < analyses.Length; i++)
        {
            var analysis = analyses[i];
            ref var member = ref entry.Panel[i];
            if (!_strings.TryEncode(analysis.Agent, out member.Agent) || !_strings.TryEncode(analysis.Choice, out member.Choice))
            {
                return false;
            }

            member.Status = analysis.Status;
            member.LatencyMs = analysis.LatencyMs;
            member.Cost = analysis.Cost;
        }

        return true;
    }
}
