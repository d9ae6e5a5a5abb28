using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using Microsoft.Extensions.Hosting;

namespace AgentRouter.Actors.Hosting;

/// <summary>Starts the actor runtime with the host (validating manifests: a bad one fails start-up with an
/// error naming file and field) and terminates it on shutdown. Also the <see cref="IAgentRouter"/> the
/// container hands out, forwarding to the running runtime.</summary>
internal sealed class AgentRouterHostedService(AgentRouterOptions options, AgentRouterComposition composition) : IHostedService, IAgentRouter
{
    private AgentRouterRuntime? _runtime;

    public AgentRouterRuntime Runtime => _runtime ?? throw new InvalidOperationException("The AgentRouter runtime has not been started (the host is not running).");

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _runtime = await AgentRouterRuntime.StartAsync(options, composition, cancellationToken).ConfigureAwait(false);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_runtime is { } runtime)
        {
            _runtime = null;
            await runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    public Task<QueryAnswered> AskAsync(Query query, AskOptions? askOptions = null, CancellationToken cancellationToken = default) =>
        Runtime.Client.AskAsync(query, askOptions, cancellationToken);

    public IAsyncEnumerable<RouterEvent> StreamAsync(Query query, AskOptions? askOptions = null, CancellationToken cancellationToken = default) =>
        Runtime.Client.StreamAsync(query, askOptions, cancellationToken);

    public Task<FeedbackResult> SubmitFeedbackAsync(string queryId, FeedbackSignal signal, CancellationToken cancellationToken = default) =>
        Runtime.Client.SubmitFeedbackAsync(queryId, signal, cancellationToken);
}
