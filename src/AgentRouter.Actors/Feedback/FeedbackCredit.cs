using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Core.Domain;

namespace AgentRouter.Actors.Feedback;

/// <summary>Turns one feedback signal into a reward per panel member that answered.</summary>
public static class FeedbackCredit
{
    /// <summary>Rewards by agent, or an error message when the signal is invalid for this query.
    /// Members that failed or timed out are absent: their outcome was observed when it happened.</summary>
    public static (Dictionary<string, double>? Rewards, string? Error) Compute(
        IReadOnlyList<PanelOutcome> analyses, string? mergedChoice, FeedbackSignal signal)
    {
        if (SignalError(signal) is { } invalid)
        {
            return (null, invalid);
        }

        var rewards = new Dictionary<string, double>(analyses.Count, StringComparer.Ordinal);
        switch (signal)
        {
            case FeedbackSignal.CorrectChoice correct:
                foreach (var analysis in Answered(analyses))
                {
                    rewards[analysis.Agent] = string.Equals(analysis.Choice, correct.Choice, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
                }

                return (rewards, null);

            case FeedbackSignal.AnswerCorrectness correctness:
                return Compute(analyses, mergedChoice, new FeedbackSignal.AnswerReward(correctness.Correct ? 1 : 0));

            case FeedbackSignal.AnswerReward reward:
                foreach (var analysis in Answered(analyses))
                {
                    if (analysis.Choice is null || mergedChoice is null)
                    {
                        continue;
                    }

                    if (string.Equals(analysis.Choice, mergedChoice, StringComparison.OrdinalIgnoreCase))
                    {
                        rewards[analysis.Agent] = reward.Reward;
                    }
                    else if (reward.Reward >= 1)
                    {
                        rewards[analysis.Agent] = 0;
                    }
                }

                return (rewards, null);

            case FeedbackSignal.PerAgentRewards perAgent:
                foreach (var (agent, value) in perAgent.Rewards)
                {
                    if (!analyses.Any(a => a.Agent == agent))
                    {
                        return (null, $"agent '{agent}' was not on this query's panel");
                    }

                    rewards[agent] = value;
                }

                return (rewards, null);

            default:
                return (null, $"unsupported feedback signal {signal.GetType().Name}");
        }
    }

    /// <summary>What is wrong with the signal itself, whatever the query (a reward outside [0, 1], an empty choice),
    /// or null. Checked before any panel is looked at, also where feedback is queued rather than applied at once.</summary>
    public static string? SignalError(FeedbackSignal signal) => signal switch
    {
        FeedbackSignal.CorrectChoice { Choice: var choice } when string.IsNullOrWhiteSpace(choice) => "the correct choice is empty",
        FeedbackSignal.AnswerReward { Reward: var reward } when !double.IsFinite(reward) || reward is < 0 or > 1 => $"reward {reward} is outside [0, 1]",
        FeedbackSignal.PerAgentRewards { Rewards: var rewards } when rewards.FirstOrDefault(r => !double.IsFinite(r.Value) || r.Value is < 0 or > 1) is { Key: not null } bad =>
            $"reward {bad.Value} for agent '{bad.Key}' is outside [0, 1]",
        FeedbackSignal.CorrectChoice or FeedbackSignal.AnswerReward or FeedbackSignal.AnswerCorrectness or FeedbackSignal.PerAgentRewards => null,
        _ => $"unsupported feedback signal {signal.GetType().Name}",
    };

    private static IEnumerable<PanelOutcome> Answered(IReadOnlyList<PanelOutcome> analyses) =>
        analyses.Where(a => a.Status == OutcomeStatus.Succeeded);
}
