using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>The delivery engine's loop: leases due recipients, runs one attempt per message and domain with
/// at most <c>Delivery:MaxConcurrentDeliveries</c> sessions in all and <c>Delivery:MaxConnectionsPerDomain</c>
/// per domain, and sleeps until the next recipient is due or something wakes it. On start it puts back
/// whatever a crash left leased; on stop it waits for running attempts and requeues those it cut off.</summary>
public sealed class OutboundWorker(OutboundQueue queue, OutboundDeliverer deliverer, IOptions<DeliveryOptions> options, TimeProvider time,
    ILogger<OutboundWorker> logger) : BackgroundService
{
    /// <summary>Sleep at most this long, so a clock jump or a missed wake-up costs little and the queue
    /// gauges stay fresh.</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryAfterFault = TimeSpan.FromMinutes(1);

    /// <summary>How often the queue gauges are refreshed.</summary>
    private static readonly TimeSpan MeasureEvery = TimeSpan.FromSeconds(5);

    private DateTimeOffset _measuredAt;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private int _leased;

    /// <summary>When the loop last went round (or the worker was created); the health check reads it.</summary>
    public DateTimeOffset LastActivity { get; private set; } = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delivery = options.Value;
        var sessions = new SemaphoreSlim(delivery.MaxConcurrentDeliveries);
        var maxLeased = delivery.MaxConcurrentDeliveries * 50;
        await Task.Yield();
        var recovered = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            LastActivity = time.GetUtcNow();
            try
            {
                if (time.GetUtcNow() - _measuredAt >= MeasureEvery)
                {
                    await queue.MeasureAsync();
                    _measuredAt = time.GetUtcNow();
                }
                if (!recovered)
                {
                    await queue.ReleaseAsync(null, "the server restarted during an attempt", TimeSpan.Zero);
                    recovered = true;
                }
                var room = maxLeased - Volatile.Read(ref _leased);
                var leased = room > 0 ? await queue.LeaseAsync(room) : [];
                foreach (var group in leased.GroupBy(r => (r.OutboundId, r.Domain)))
                {
                    var recipients = group.ToList();
                    Interlocked.Add(ref _leased, recipients.Count);
                    var attempt = AttemptAsync(group.Key.OutboundId, group.Key.Domain, recipients, sessions, stoppingToken);
                    _running[attempt] = true;
                    _ = attempt.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
                }
                // With no room to lease, only a finished attempt (which wakes us) can change anything.
                await queue.WaitAsync(room > 0 ? await IdleTimeAsync() : MaxIdle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "The delivery worker hit an error; it carries on");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        await Task.WhenAll(_running.Keys);
    }

    private async Task<TimeSpan> IdleTimeAsync()
    {
        var due = await queue.NextDueAtAsync();
        if (due is null) return MaxIdle;
        var wait = DateTimeOffset.FromUnixTimeMilliseconds(due.Value) - time.GetUtcNow();
        return wait < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait > MaxIdle ? MaxIdle : wait;
    }

    private async Task AttemptAsync(long outboundId, string domain, List<OutboundRecipientRecord> recipients, SemaphoreSlim sessions,
        CancellationToken stoppingToken)
    {
        var perDomain = _perDomain.GetOrAdd(domain, _ => new SemaphoreSlim(options.Value.MaxConnectionsPerDomain));
        var holdsDomain = false;
        var holdsSession = false;
        try
        {
            await perDomain.WaitAsync(stoppingToken);
            holdsDomain = true;
            await sessions.WaitAsync(stoppingToken);
            holdsSession = true;
            await deliverer.DeliverAsync(outboundId, recipients, stoppingToken);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            await queue.ReleaseAsync(recipients.Select(r => r.Id).ToList(), "the server stopped during the attempt", TimeSpan.Zero);
        }
        catch (Exception e)
        {
            // Storage failed us mid-attempt; a minute's pause keeps a persistent fault from spinning.
            logger.LogError(e, "Could not complete the attempt for outbound {OutboundId} to {Domain}", outboundId, domain);
            try
            {
                await queue.ReleaseAsync(recipients.Select(r => r.Id).ToList(), $"the attempt could not be completed: {e.Message}", RetryAfterFault);
            }
            catch (Exception again)
            {
                logger.LogError(again, "Outbound {OutboundId} stays leased until the next start", outboundId);
            }
        }
        finally
        {
            if (holdsSession) sessions.Release();
            if (holdsDomain) perDomain.Release();
            Interlocked.Add(ref _leased, -recipients.Count);
            queue.Wake();
        }
    }
}
