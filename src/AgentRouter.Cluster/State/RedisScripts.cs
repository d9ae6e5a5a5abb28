namespace AgentRouter.Cluster.State;

/// <summary>The Lua scripts that make shared-state updates atomic.</summary>
internal static class RedisScripts
{
    /// <summary>KEYS: appended marker, outcome stream. ARGV: marker TTL seconds, stream MAXLEN, payloads...
    /// Appends every payload, or nothing when the marker exists (the event was appended before). 1 or 0.</summary>
    public const string AppendOutcomesOnce = """
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
        for i = 3, #ARGV do
          redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[i])
        end
        return 1
        """;

    /// <summary>KEYS: snapshot hash. ARGV: version (a stream id), state, writer, saved-at. Writes only when the
    /// version is newer than the stored one, so a lagging node never overwrites a fresher snapshot. 1 or 0.</summary>
    public const string SaveSnapshotIfNewer = """
        local current = redis.call('HGET', KEYS[1], 'version')
        if current then
          local cm, cs = string.match(current, '^(%d+)-(%d+)$')
          local nm, ns = string.match(ARGV[1], '^(%d+)-(%d+)$')
          cm, cs, nm, ns = tonumber(cm), tonumber(cs), tonumber(nm), tonumber(ns)
          if nm < cm or (nm == cm and ns <= cs) then return 0 end
        end
        redis.call('HSET', KEYS[1], 'version', ARGV[1], 'state', ARGV[2], 'writer', ARGV[3], 'savedAt', ARGV[4])
        return 1
        """;
}
