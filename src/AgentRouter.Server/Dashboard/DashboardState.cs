using System.Text.Json.Nodes;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Server.Dashboard;

/// <summary>What the dashboard and the policy gauges show, gathered from the queries and feedback that pass
/// through the server: traffic per agent, each router's latest decision scores (EMA values, pheromone,
/// bandit estimates — the policies' own numbers) overall and per task type, and accuracy and cost over time.
/// Every table is bounded: task types per router by <see cref="ServerOptions.MaxDashboardTaskTypes"/> (the
/// least recently seen one is evicted and counted in <see cref="EvictedTaskTypes"/>), agents and routers by
/// <see cref="MaxNames"/> (beyond it new names are counted, not shown), history and remembered choices by count.</summary>
public sealed class DashboardState(ServerOptions options, TimeProvider? time = null)
{
    /// <summary>Agents and routers shown; both come from configuration, so this only guards a mistake.</summary>
    public const int MaxNames = 1024;

    private const int HistoryPoints = 120;
    private const int RecentChoices = 100_000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private readonly Dictionary<string, AgentTraffic> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouterView> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _mergedChoice = new(StringComparer.Ordinal);
    private readonly Queue<string> _choiceOrder = new();
    private readonly LinkedList<TimePoint> _history = new();
    private IReadOnlyList<RouterProtocol.RouterStats> _routerStats = [];
    private long _queries;
    private long _failures;
    private long _feedbackAccepted;
    private double _rewardSum;
    private double _costSum;
    private long _version;
    private long _evictedTaskTypes;
    private long _droppedNames;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Task-type rows evicted from the per-router tables since start.</summary>
    public long EvictedTaskTypes => Interlocked.Read(ref _evictedTaskTypes);

    /// <summary>Agents or routers not shown because <see cref="MaxNames"/> were already.</summary>
    public long DroppedNames => Interlocked.Read(ref _droppedNames);

    public void RecordAnswered(Query query, QueryAnswered answered)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(answered);
        var taskType = query.TaskType ?? "untyped";
        lock (_gate)
        {
            _queries++;
            var cost = 0.0;
            foreach (var analysis in answered.Analyses)
            {
                cost += analysis.Cost;
                if (Agent(analysis.Agent) is not { } traffic)
                {
                    continue;
                }

                traffic.Requests++;
                if (analysis.Status == OutcomeStatus.Succeeded)
                {
                    traffic.LatencyMsSum += analysis.LatencyMs;
                }
                else
                {
                    traffic.Failures++;
                }
            }

            _costSum += cost;
            if (!_routers.TryGetValue(answered.Router, out var router))
            {
                if (_routers.Count >= MaxNames)
                {
                    _droppedNames++;
                    router = null;
                }
                else
                {
                    router = _routers[answered.Router] = new RouterView(answered.Decision.Policy);
                }
            }

            if (router is not null)
            {
                router.Queries++;
                router.Latest.Clear();
                var row = TaskTypeRow(router, taskType);
                foreach (var score in answered.Decision.Scores)
                {
                    router.Latest[score.Agent] = score;
                    if (row.Count < MaxNames || row.ContainsKey(score.Agent))
                    {
                        row[score.Agent] = score.Exploit;
                    }
                }
            }

            Remember(answered.QueryId, answered.Answer.Choice);
            var point = Point();
            point.Queries++;
            point.Cost += cost;
            _version++;
        }
    }

    public void RecordFailure()
    {
        lock (_gate)
        {
            _failures++;
            Point().Failures++;
            _version++;
        }
    }

    /// <summary>Accuracy counts accepted feedback: a correctness flag, a reward, or whether the merged answer
    /// was the correct choice.</summary>
    public void RecordFeedback(string queryId, double? reward, bool? correct, string? correctChoice)
    {
        lock (_gate)
        {
            double? value = correct is { } c ? (c ? 1 : 0) : reward;
            if (value is null && correctChoice is not null && _mergedChoice.TryGetValue(queryId, out var merged))
            {
                value = merged == correctChoice ? 1 : 0;
            }

            if (value is not { } v)
            {
                return;
            }

            _feedbackAccepted++;
            _rewardSum += v;
            var point = Point();
            point.Feedback++;
            point.RewardSum += v;
            _version++;
        }
    }

    public void UpdateRouterStats(IReadOnlyList<RouterProtocol.RouterStats> stats)
    {
        lock (_gate)
        {
            _routerStats = stats;
        }
    }

    public IReadOnlyList<RouterProtocol.RouterStats> RouterStats()
    {
        lock (_gate)
        {
            return _routerStats;
        }
    }

    public IReadOnlyList<(string Router, string Agent, string Part, double Value)> PolicyValues()
    {
        lock (_gate)
        {
            return [.. _routers.SelectMany(r => r.Value.Latest.Values.SelectMany(s => new[]
            {
                (r.Key, s.Agent, "exploit", s.Exploit), (r.Key, s.Agent, "explore", s.Explore), (r.Key, s.Agent, "score", s.Score),
            }))];
        }
    }

    public JsonObject Snapshot()
    {
        lock (_gate)
        {
            var totalRequests = Math.Max(1, _agents.Values.Sum(a => a.Requests));
            var agents = new JsonArray();
            foreach (var (name, traffic) in _agents.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                var answered = traffic.Requests - traffic.Failures;
                agents.Add(new JsonObject
                {
                    ["name"] = name,
                    ["requests"] = traffic.Requests,
                    ["share"] = traffic.Requests / (double)totalRequests,
                    ["failures"] = traffic.Failures,
                    ["mean_latency_ms"] = answered > 0 ? traffic.LatencyMsSum / answered : 0,
                });
            }

            var routers = new JsonArray();
            foreach (var (name, view) in _routers.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var stats = _routerStats.FirstOrDefault(s => s.Router == name);
                routers.Add(new JsonObject
                {
                    ["name"] = name,
                    ["policy"] = view.Policy,
                    ["queries"] = view.Queries,
                    ["pending_feedback"] = stats?.PendingFeedback,
                    ["in_flight"] = stats?.InFlight,
                    ["scores"] = new JsonArray([.. view.Latest.Values.OrderBy(s => s.Agent, StringComparer.Ordinal).Select(s => (JsonNode)new JsonObject
                    {
                        ["agent"] = s.Agent, ["score"] = s.Score, ["exploit"] = s.Exploit, ["explore"] = s.Explore,
                    })]),
                    ["by_task_type"] = new JsonObject(view.ByTaskType.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => KeyValuePair.Create(t.Key,
                        (JsonNode?)new JsonObject(t.Value.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)))))),
                });
            }

            var history = new JsonArray();
            foreach (var point in _history)
            {
                history.Add(new JsonObject
                {
                    ["t"] = point.Second,
                    ["queries"] = point.Queries,
                    ["failures"] = point.Failures,
                    ["cost"] = point.Cost,
                    ["accuracy"] = point.Feedback > 0 ? point.RewardSum / point.Feedback : null,
                });
            }

            return new JsonObject
            {
                ["version"] = _version,
                ["queries"] = _queries,
                ["failures"] = _failures,
                ["feedback"] = _feedbackAccepted,
                ["accuracy"] = _feedbackAccepted > 0 ? _rewardSum / _feedbackAccepted : null,
                ["cost"] = _costSum,
                ["evicted_task_types"] = _evictedTaskTypes,
                ["agents"] = agents,
                ["routers"] = routers,
                ["history"] = history,
            };
        }
    }

    private AgentTraffic? Agent(string name)
    {
        if (!_agents.TryGetValue(name, out var traffic))
        {
            if (_agents.Count >= MaxNames)
            {
                _droppedNames++;
                return null;
            }

            traffic = _agents[name] = new AgentTraffic();
        }

        return traffic;
    }

    /// <summary>The router's row for a task type, marked as just seen; a new one beyond the cap evicts the
    /// least recently seen (a linear scan over at most the cap, only when a new task type arrives).</summary>
    private Dictionary<string, double> TaskTypeRow(RouterView router, string taskType)
    {
        if (!router.ByTaskType.TryGetValue(taskType, out var row))
        {
            if (router.ByTaskType.Count >= options.MaxDashboardTaskTypes)
            {
                var oldest = router.ByTaskType.MinBy(t => t.Value.LastSeen).Key;
                router.ByTaskType.Remove(oldest);
                _evictedTaskTypes++;
            }

            row = router.ByTaskType[taskType] = new TaskTypeScores();
        }

        row.LastSeen = _version;
        return row;
    }

    private void Remember(string queryId, string? choice)
    {
        if (_mergedChoice.TryAdd(queryId, choice))
        {
            _choiceOrder.Enqueue(queryId);
            if (_choiceOrder.Count > RecentChoices)
            {
                _mergedChoice.Remove(_choiceOrder.Dequeue());
            }
        }
    }

    /// <summary>The one-second bucket of now, appended when time has moved on.</summary>
    private TimePoint Point()
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        if (_history.Last is { } last && last.Value.Second == second)
        {
            return last.Value;
        }

        var point = new TimePoint(second);
        _history.AddLast(point);
        if (_history.Count > HistoryPoints)
        {
            _history.RemoveFirst();
        }

        return point;
    }

    private sealed class AgentTraffic
    {
        public long Requests;
        public long Failures;
        public double LatencyMsSum;
    }

    private sealed class RouterView(string policy)
    {
        public string Policy { get; } = policy;

        public long Queries;

        public Dictionary<string, CandidateScore> Latest { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, TaskTypeScores> ByTaskType { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Agent → exploit value for one task type, with when it was last updated (for eviction).</summary>
    private sealed class TaskTypeScores() : Dictionary<string, double>(StringComparer.Ordinal)
    {
        public long LastSeen { get; set; }
    }

    private sealed class TimePoint(long second)
    {
        public long Second { get; } = second;

        public long Queries;
        public long Failures;
        public long Feedback;
        public double RewardSum;
        public double Cost;
    }
}
