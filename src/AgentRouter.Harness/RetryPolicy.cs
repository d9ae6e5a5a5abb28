using System.Net;
using System.Net.Http.Headers;

namespace AgentRouter.Harness;

/// <summary>When and how long to wait before retrying a call. Transient: connection failures, an attempt past
/// its deadline, 408, 429 and 5xx. The wait honours the server's <c>Retry-After</c> (seconds or a date; capped
/// at <see cref="MaxDelay"/>); without one it is exponential, base × 2^attempt, with full jitter (a uniform draw
/// in [½, 1] of that) so that many callers do not retry in lockstep.</summary>
/// <param name="MaxRetries">Retries after the first attempt; a call makes at most MaxRetries + 1 attempts.</param>
public sealed record RetryPolicy(int MaxRetries = 4, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null, TimeSpan? AttemptTimeout = null)
{
    public TimeSpan Base => BaseDelay ?? TimeSpan.FromMilliseconds(500);

    public TimeSpan Cap => MaxDelay ?? TimeSpan.FromSeconds(60);

    public TimeSpan Timeout => AttemptTimeout ?? TimeSpan.FromSeconds(120);

    public static bool IsTransientStatus(HttpStatusCode status) => (int)status is 408 or 429 or >= 500;

    /// <summary>The wait before retry number <paramref name="attempt"/> + 1 (attempt 0 is the first try).</summary>
    public TimeSpan Delay(int attempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (retryAfter is not null)
        {
            var asked = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : TimeSpan.Zero);
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > Cap ? Cap : asked;
        }

        var exponential = Base * Math.Pow(2, Math.Min(attempt, 30));
        if (exponential > Cap)
        {
            exponential = Cap;
        }

        return exponential * (0.5 + (random.NextDouble() * 0.5));
    }
}
