using StackExchange.Redis;

namespace AgentRouter.Cluster.State;

/// <summary>The process's one <see cref="ConnectionMultiplexer"/>. It never aborts on a failed connect (a node
/// starts while Redis is down and connects when it comes) and fails commands fast while disconnected, so the
/// shared-state loops notice an outage at once and switch to degraded mode instead of queueing behind it.</summary>
public static class RedisConnection
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Invalid Redis configuration '{configuration}': {e.Message}", nameof(configuration), e);
        }

        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.SyncTimeout = 2000;
        options.ReconnectRetryPolicy = new LinearRetry(250);
        options.ClientName ??= "agentrouter";
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>Errors that mean Redis is unreachable (as opposed to a bad command).</summary>
    public static bool IsUnreachable(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or TimeoutException
        || (e is AggregateException aggregate && aggregate.InnerExceptions.All(IsUnreachable));
}
