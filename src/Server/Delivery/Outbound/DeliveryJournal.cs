using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>Creates the <see cref="AttemptLog"/> of each delivery attempt.</summary>
public sealed class DeliveryJournal(IStore store, IOutboundRepository outbound, TimeProvider time)
{
    /// <summary>How long an attempt's events may wait in memory before they are written anyway.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    public AttemptLog Begin(long outboundId) => new(outboundId, store, outbound, time);
}

/// <summary>The events of one attempt. They are kept in memory and written together with the attempt's
/// results (one transaction instead of one per event, which on a synced disk is most of an attempt's cost);
/// an attempt that takes longer than <see cref="DeliveryJournal.FlushInterval"/> has them written as it goes,
/// so the trace of a slow or stuck attempt shows how far it got.</summary>
public sealed class AttemptLog : IAsyncDisposable
{
    private readonly List<(string Recipient, string Type, object Details, long At)> _pending = [];
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _periodic;
    private readonly IStore _store;
    private readonly IOutboundRepository _outbound;
    private readonly TimeProvider _time;

    internal AttemptLog(long outboundId, IStore store, IOutboundRepository outbound, TimeProvider time)
    {
        OutboundId = outboundId;
        (_store, _outbound, _time) = (store, outbound, time);
        _periodic = FlushPeriodicallyAsync();
    }

    public long OutboundId { get; }

    public void Record(string recipient, string eventType, object details)
    {
        lock (_pending) _pending.Add((recipient, eventType, details, _time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>Writes what is pending inside <paramref name="tx"/>, or in a transaction of its own.</summary>
    public async Task FlushAsync(IUnitOfWork? tx = null)
    {
        await _writing.WaitAsync();
        try
        {
            List<(string Recipient, string Type, object Details, long At)> batch;
            lock (_pending)
            {
                batch = [.. _pending];
                _pending.Clear();
            }
            if (batch.Count == 0) return;
            async Task WriteAsync(IUnitOfWork t)
            {
                foreach (var e in batch) await _outbound.AddEventAsync(t, OutboundId, e.Recipient, e.Type, e.Details, e.At);
            }
            if (tx is not null) await WriteAsync(tx);
            else await _store.WriteAsync(WriteAsync);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task FlushPeriodicallyAsync()
    {
        using var timer = new PeriodicTimer(DeliveryJournal.FlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await FlushAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops the periodic writes: call before flushing inside a transaction, since a periodic
    /// write would wait for that transaction's lock while holding this log's.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        try
        {
            await _periodic;
        }
        catch (Exception)
        {
            // A failed background write leaves its events pending; the next flush tries again.
        }
    }

    /// <summary>Stops the periodic writes and writes what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await FlushAsync();
        _stop.Dispose();
    }
}
