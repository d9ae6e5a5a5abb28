namespace AgentRouter.Server.Hosting;

/// <summary>Writes server-sent events with a time limit per event: a reader that does not take an event
/// within <see cref="ServerOptions.StreamWriteTimeout"/> is dropped (the connection aborted), so that a
/// stalled viewer holds at most one pending event plus the transport's bounded buffer.</summary>
internal static class StreamWrites
{
    /// <returns>False when the reader stalled and the connection was aborted.</returns>
    public static async Task<bool> WriteAsync(HttpContext context, ReadOnlyMemory<byte> payload, TimeSpan timeout)
    {
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        stalled.CancelAfter(timeout);
        try
        {
            await context.Response.Body.WriteAsync(payload, stalled.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(stalled.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stalled.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            context.Abort();
            return false;
        }
    }
}
