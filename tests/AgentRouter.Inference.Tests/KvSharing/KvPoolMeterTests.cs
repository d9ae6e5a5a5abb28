using System.Diagnostics.Metrics;
using AgentRouter.Inference.KvSharing;

namespace AgentRouter.Inference.Tests.KvSharing;

public sealed class KvPoolMeterTests
{
    [Fact]
    public async Task RegisteredPoolIsObservedUntilItsRegistrationIsDisposed()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 100));
        var name = "meter-test-" + Guid.NewGuid().ToString("N");
        using (var reservation = await pool.ReserveAsync(20))
        {
            reservation.Publish(reservation.Allocate(10, () => new MemoryStream()), null, [1, 2], "w");
        }

        var registration = KvPoolMeter.Register(name, pool);
        Assert.Equal(10, Observe("agentrouter.kv.bytes_used", name));
        Assert.Equal(1, Observe("agentrouter.kv.blocks_cached", name));
        Assert.Equal(100, Observe("agentrouter.kv.bytes_budget", name));
        registration.Dispose();
        Assert.Null(Observe("agentrouter.kv.bytes_used", name));
    }

    private static long? Observe(string instrumentName, string poolName)
    {
        long? observed = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == KvPoolMeter.MeterName && instrument.Name == instrumentName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "pool" && Equals(tag.Value, poolName))
                {
                    observed = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return observed;
    }
}
