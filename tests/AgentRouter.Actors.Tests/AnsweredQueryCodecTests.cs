using AgentRouter.Actors.Routing;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Tests;

public sealed class AnsweredQueryCodecTests
{
    private static readonly string[] Options = ["A", "B", "C", "D"];

    [Fact]
    public void An_inline_entry_decodes_to_the_same_panel_query_and_merged_choice()
    {
        var codec = new AnsweredQueryCodec();
        var features = new[] { 0.5f, -1f };
        var analyses = new[]
        {
            new AgentAnalysis("a1", "text", "A", LatencyMs: 1.5, Cost: 0.01),
            new AgentAnalysis("a2", "text", null, LatencyMs: 2.5, Cost: 0.02),
            new AgentAnalysis("a3", "failed", null, LatencyMs: 3.5, Status: OutcomeStatus.Failed),
        };
        var entry = codec.Encode(new Query("q1", "prompt", "math", features, Options), analyses, "A");

        Assert.Null(entry.Spilled);
        Assert.Equal(
            [new PanelOutcome("a1", "A", 1.5, 0.01, OutcomeStatus.Succeeded), new PanelOutcome("a2", null, 2.5, 0.02, OutcomeStatus.Succeeded), new PanelOutcome("a3", null, 3.5, 0, OutcomeStatus.Failed)],
            codec.Panel(entry));
        Assert.Equal("A", codec.MergedChoice(entry));
        var query = codec.Query(entry, "q1");
        Assert.Equal(("q1", "", "math"), (query.Id, query.Text, query.TaskType));
        Assert.Same(features, query.Features);
        Assert.Equal(Options, query.Options);

        // A content-equal option list from another caller shares the code; no task type decodes to null.
        var second = codec.Encode(new Query("q2", "p", Options: ["A", "B", "C", "D"]), analyses[..1], null);
        Assert.Equal(entry.Options, second.Options);
        Assert.Null(codec.Query(second, "q2").TaskType);
        Assert.Null(codec.MergedChoice(second));
    }

    [Fact]
    public void Panels_larger_than_the_inline_array_and_strings_past_the_table_bound_spill_to_objects()
    {
        var codec = new AnsweredQueryCodec(stringCapacity: 3);
        var wide = Enumerable.Range(0, AnsweredQuery.InlinePanel + 1).Select(i => new AgentAnalysis($"a{i}", "t", "A")).ToArray();
        var spilled = codec.Encode(new Query("q1", "p", Options: Options), wide, "A");
        Assert.NotNull(spilled.Spilled);
        Assert.Equal(wide.Select(a => a.Agent), codec.Panel(spilled).Select(p => p.Agent));

        // "a1", "A" and "t1" fill the table; "t2" no longer fits.
        var fits = codec.Encode(new Query("q2", "p", "t1", Options: Options), [new AgentAnalysis("a1", "t", "A")], "A");
        Assert.Null(fits.Spilled);
        var overflows = codec.Encode(new Query("q3", "p", "t2", Options: Options), [new AgentAnalysis("a1", "t", "A")], "A");
        Assert.NotNull(overflows.Spilled);
        Assert.Equal("t2", codec.Query(overflows, "q3").TaskType);
        Assert.Equal("t1", codec.Query(fits, "q2").TaskType);
        Assert.Equal([new PanelOutcome("a1", "A", 0, 0, OutcomeStatus.Succeeded)], codec.Panel(overflows));
    }
}
