using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Event;
using StackExchange.Redis;

namespace AgentRouter.Cluster.State;

/// <summary>Keeps one <see cref="SharedPolicy"/> up to date with its outcome log and saves its snapshot.
/// On (re)connection it restores the freshest snapshot in Redis when that is ahead of the local state and points
/// this node's consumer group at the local version, so it reads exactly the entries after it; this also
/// reconciles after Redis lost its data (a restart without persistence): the group is recreated at the local
/// version and the local state becomes the snapshot again.</summary>
public sealed class OutcomeLogFollower(
    SharedPolicy policy, string nodeId, IDatabase database, ClusterKeys keys, SharedStateOptions options, ClusterStateMonitor monitor, ILoggingAdapter log)
{
    private const int ReadCount = 512;
    private readonly string _stream = keys.Outcomes(policy.Router);
    private readonly string _group = ClusterKeys.NodeGroup(nodeId);
    private LogPosition _savedVersion = LogPosition.Start;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attached = false;
        var lastSave = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!attached)
                {
                    await AttachAsync().ConfigureAwait(false);
                    attached = true;
                }

                var read = await ReadOnceAsync().ConfigureAwait(false);
                monitor.ReportReachable();
                if (Stopwatch.GetElapsedTime(lastSave) >= options.EffectiveSnapshotInterval)
                {
                    await SaveSnapshotAsync().ConfigureAwait(false);
                    lastSave = Stopwatch.GetTimestamp();
                }

                if (read == 0)
                {
                    await Task.Delay(options.EffectivePollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                log.Warning("outcome log {0} lost its consumer group (Redis restarted without its data?); re-attaching at {1}", _stream, policy.Applied);
                attached = false;
            }
            catch (Exception e) when (RedisConnection.IsUnreachable(e))
            {
                monitor.ReportUnreachable(e);
                attached = false;
                await Task.Delay(options.EffectiveRetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Restores from the Redis snapshot when it is ahead and sets the group to read after the local version.</summary>
    public async Task AttachAsync()
    {
        var snapshot = await database.HashGetAllAsync(keys.Snapshot(policy.Router)).ConfigureAwait(false);
        var fields = snapshot.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        if (fields.TryGetValue("version", out var versionText) && fields.TryGetValue("state", out var stateText))
        {
            var version = LogPosition.Parse(versionText);
            var state = JsonNode.Parse(stateText) as JsonObject
                ?? throw new FormatException($"snapshot {keys.Snapshot(policy.Router)} field 'state' is not a JSON object");
            if (policy.Load(state, version))
            {
                _savedVersion = version;
                log.Info("router {0}: restored policy state version {1} from Redis (written by {2})", policy.Router, version, fields.GetValueOrDefault("writer", "?"));
            }
        }

        var position = policy.Applied.ToString();
        try
        {
            await database.StreamCreateConsumerGroupAsync(_stream, _group, position, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            await database.StreamConsumerGroupSetPositionAsync(_stream, _group, position).ConfigureAwait(false);
        }
    }

    private async Task<int> ReadOnceAsync()
    {
        var entries = await database.StreamReadGroupAsync(_stream, _group, nodeId, ">", ReadCount).ConfigureAwait(false);
        if (entries.Length == 0)
        {
            return 0;
        }

        foreach (var entry in entries)
        {
            var id = entry.Id.ToString();
            try
            {
                var payload = entry["e"];
                if (payload.IsNull)
                {
                    throw new FormatException($"outcome log entry {id} has no 'e' field");
                }

                if (policy.Apply(LogPosition.Parse(id), OutcomeEvent.FromJson(payload.ToString(), id)))
                {
                    monitor.CountOutcomeApplied();
                }
            }
            catch (Exception e) when (e is FormatException or PolicyApplyException)
            {
                // The entry can never be applied; skipping it (and saying so) keeps the log moving for every node.
                monitor.CountMalformed();
                log.Error(e, "router {0}: skipped outcome log entry {1}", policy.Router, id);
            }
        }

        await database.StreamAcknowledgeAsync(_stream, _group, entries.Select(e => e.Id).ToArray()).ConfigureAwait(false);
        return entries.Length;
    }

    /// <summary>Saves the local state when it has moved since the last save; Redis keeps the newest version.</summary>
    public async Task SaveSnapshotAsync()
    {
        var (state, version) = policy.Capture();
        if (version <= _savedVersion)
        {
            return;
        }

        var written = await database.ScriptEvaluateAsync(
            RedisScripts.SaveSnapshotIfNewer,
            [keys.Snapshot(policy.Router)],
            [version.ToString(), state.ToJsonString(), nodeId, DateTimeOffset.UtcNow.ToString("O")]).ConfigureAwait(false);
        _savedVersion = version;
        if ((long)written == 1)
        {
            monitor.CountSnapshotSaved();
        }
    }
}
