namespace AgentRouter.Actors.Protocol;

/// <summary>Delayed feedback: what a routed query's answer turned out to be worth.</summary>
public static class FeedbackProtocol
{
    /// <param name="TraceParent">The caller's span as a W3C <c>traceparent</c>; null when untraced.</param>
    public sealed record SubmitFeedback(string QueryId, FeedbackSignal Signal, string? TraceParent = null);

    /// <param name="Rewards">The per-agent reward each router delivered to its policy.</param>
    public sealed record FeedbackAccepted(string QueryId, string Router, IReadOnlyDictionary<string, double> Rewards);

    /// <param name="InFlight">The router holds the query but has not answered it yet (feedback is accepted once it is).</param>
    public sealed record FeedbackRejected(string QueryId, FeedbackRejection Reason, string Message, bool InFlight = false);
}

/// <summary>The forms feedback may take. Each is turned into one reward per panel member.</summary>
public abstract record FeedbackSignal
{
    /// <summary>The correct option: members that chose it get 1, the others 0.</summary>
    public sealed record CorrectChoice(string Choice) : FeedbackSignal;

    /// <summary>A reward in [0, 1] for the merged answer: members that agreed with it get the reward; members
    /// that disagreed get 0 when the reward is 1 (the merged answer was right, so theirs was wrong) and nothing
    /// otherwise (a wrong merged answer says nothing about theirs); abstaining members get nothing.</summary>
    public sealed record AnswerReward(double Reward) : FeedbackSignal;

    /// <summary>Whether the merged answer was correct: <see cref="AnswerReward"/> with 1 or 0.</summary>
    public sealed record AnswerCorrectness(bool Correct) : FeedbackSignal;

    /// <summary>Explicit rewards in [0, 1] by agent name; agents not in the panel are an error.</summary>
    public sealed record PerAgentRewards(IReadOnlyDictionary<string, double> Rewards) : FeedbackSignal;
}

public enum FeedbackRejection
{
    /// <summary>No router served a query with this id (or it was never answered).</summary>
    UnknownQuery,

    /// <summary>The query was served, but its feedback window (TTL or table bound) has passed.</summary>
    Expired,

    /// <summary>Feedback for this query was already accepted; the repeat changed nothing.</summary>
    Duplicate,

    /// <summary>The signal itself is invalid (reward outside [0, 1], agent not in the panel).</summary>
    Invalid,

    /// <summary>The feedback could not be recorded durably now (a cluster node's shared state is unreachable): it
    /// was not accepted, and the client should send it again later.</summary>
    Unavailable,
}
