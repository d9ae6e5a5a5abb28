using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace AgentRouter.Cli.Bench;

/// <summary>Which types the process allocates, sampled from the runtime's own GC AllocationTick events (one event per
/// ~100 KB allocated, naming the type whose allocation crossed the threshold), so each type's share of the sampled bytes
/// estimates its share of all bytes. The profile the hot-path work starts from, without an external tracer.</summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    /// <summary>Stops sampling and returns each type's share of the sampled bytes, largest first.</summary>
    public IReadOnlyList<AllocationShare> Stop()
    {
        _recording = false;
        var total = _bytesByType.Values.Sum();
        return total == 0
            ? []
            : _bytesByType.OrderByDescending(p => p.Value).Select(p => new AllocationShare(p.Key, (double)p.Value / total)).ToArray();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (amountIndex < 0)
        {
            amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount");
        }

        if (typeIndex < 0 || amountIndex < 0 || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.Payload[typeIndex] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}

/// <param name="Type">The runtime's type name.</param>
/// <param name="Share">Fraction of the sampled bytes.</param>
internal sealed record AllocationShare(string Type, double Share);
