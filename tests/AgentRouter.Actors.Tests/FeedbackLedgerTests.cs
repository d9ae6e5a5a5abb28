using AgentRouter.Actors.Feedback;

namespace AgentRouter.Actors.Tests;

public sealed class FeedbackLedgerTests
{
    private const long Second = 1000;

    [Fact]
    public void Found_until_the_time_to_live_then_expired()
    {
        var ledger = new FeedbackLedger<int>(10, TimeSpan.FromSeconds(5), Second);
        ledger.Add("q", 42, now: 0);
        Assert.Equal(LedgerLookup.Found, ledger.Lookup("q", 4 * Second, out var entry));
        Assert.Equal(42, entry);
        Assert.Equal(LedgerLookup.Expired, ledger.Lookup("q", 5 * Second, out _));
        Assert.Equal(0, ledger.Count);
        Assert.Equal(LedgerLookup.Unknown, ledger.Lookup("other", 0, out _));
    }

    [Fact]
    public void Consumed_entries_answer_duplicate_and_sweeping_expires_the_rest()
    {
        var ledger = new FeedbackLedger<int>(10, TimeSpan.FromSeconds(5), Second);
        ledger.Add("a", 1, 0);
        ledger.Add("b", 2, Second);
        ledger.Consume("a");
        Assert.Equal(LedgerLookup.Duplicate, ledger.Lookup("a", Second, out _));
        ledger.Sweep(10 * Second);
        Assert.Equal(0, ledger.Count);
        Assert.Equal(LedgerLookup.Expired, ledger.Lookup("b", 10 * Second, out _));
    }

    [Fact]
    public void Bounded_both_in_entries_and_in_remembered_ids()
    {
        var ledger = new FeedbackLedger<int>(3, TimeSpan.FromHours(1), Second);
        for (var i = 0; i < 1000; i++)
        {
            ledger.Add($"q{i}", i, i);
            if (i % 2 == 0)
            {
                ledger.Consume($"q{i}");
            }
        }

        Assert.True(ledger.Count <= 3);
        Assert.Equal(LedgerLookup.Found, ledger.Lookup("q999", 1000, out _));
        Assert.Equal(LedgerLookup.Unknown, ledger.Lookup("q0", 1000, out _)); // long forgotten, within bounds
    }
}
