using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>The persistent queue: remote recipients in <c>outbound_recipients</c>, leased by the worker
/// (state <c>sending</c>), then settled with the attempt's results, the retry schedule, the attempt's events and the
/// message's rolled-up state, all in one transaction. Delivery is at least once: a recipient whose attempt was cut
/// off by a crash is attempted again after the restart.</summary>
public sealed class OutboundQueue(IStore store, IOutboundRepository outbound, IMailboxEventRepository events, MailMetrics metrics,
    IOptions<DeliveryOptions> options, TimeProvider time)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Something became due (a new message, a retry request, a finished attempt).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Returns when woken or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    public Task<IReadOnlyList<OutboundRecipientRecord>> LeaseAsync(int limit) =>
        store.WriteAsync(async tx =>
        {
            var now = Now;
            var leased = await outbound.LeaseDueAsync(tx, now, limit);
            foreach (var id in leased.Select(r => r.OutboundId).Distinct()) await RollUpAsync(tx, id, now);
            return leased;
        });

    public Task<long?> NextDueAtAsync() => outbound.NextDueAtAsync();

    /// <summary>Back to the queue without counting an attempt, due after <paramref name="delay"/>: the
    /// server stopped mid-attempt or could not record it (<paramref name="ids"/>), or had crashed with
    /// recipients leased (<paramref name="ids"/> null, at start).</summary>
    public Task ReleaseAsync(IReadOnlyCollection<long>? ids, string reason, TimeSpan delay) =>
        store.WriteAsync(async tx =>
        {
            var now = Now;
            var released = await outbound.ReleaseLeasedAsync(tx, ids, now, now + (long)delay.TotalMilliseconds);
            foreach (var recipient in released)
                await outbound.AddEventAsync(tx, recipient.OutboundId, recipient.Address, DeliveryEventType.Requeued, new { reason }, now);
            foreach (var id in released.Select(r => r.OutboundId).Distinct()) await RollUpAsync(tx, id, now);
        });

    /// <summary>Records what an attempt did for each leased recipient: delivered, failed, or deferred until
    /// the next slot of <c>Delivery:RetrySchedule</c> (failed once the schedule is used up).</summary>
    /// <returns>The recipients that failed for good, for the bounce.</returns>
    public async Task<(OutboundRecord Message, List<(string Recipient, RecipientResult Result)> Failures)> SettleAsync(AttemptLog log,
        IReadOnlyList<OutboundRecipientRecord> leased, IReadOnlyDictionary<string, RecipientResult> results)
    {
        var settled = await SettleInTransactionAsync(log, leased, results);
        foreach (var recipient in leased)
            metrics.Delivery(results[recipient.Address].Outcome.ToString().ToLowerInvariant());
        return settled;
    }

    /// <summary>Refreshes the queue gauges of <see cref="MailMetrics"/>.</summary>
    public async Task MeasureAsync()
    {
        var (count, oldest) = await outbound.BacklogAsync();
        metrics.Queue(count, oldest is { } at ? Now > at ? TimeSpan.FromMilliseconds(Now - at) : TimeSpan.Zero : TimeSpan.Zero);
    }

    private Task<(OutboundRecord Message, List<(string Recipient, RecipientResult Result)> Failures)> SettleInTransactionAsync(AttemptLog log,
        IReadOnlyList<OutboundRecipientRecord> leased, IReadOnlyDictionary<string, RecipientResult> results) =>
        store.WriteAsync(async tx =>
        {
            await log.FlushAsync(tx);
            var outboundId = log.OutboundId;
            var now = Now;
            var schedule = options.Value.RetrySchedule;
            var failures = new List<(string, RecipientResult)>();
            var happened = new List<(string Type, object Details)>();
            foreach (var recipient in leased)
            {
                var result = results[recipient.Address];
                var attempts = (int)recipient.Attempts + 1;
                switch (result.Outcome)
                {
                    case RecipientOutcome.Delivered:
                        await outbound.UpdateRecipientAsync(tx, recipient.Id, OutboundState.Sent, attempts, null, "", now);
                        await outbound.AddEventAsync(tx, outboundId, recipient.Address, DeliveryEventType.Delivered,
                            new { host = result.RemoteHost, reply = result.Reply, attempt = attempts }, now);
                        happened.Add((MailboxEventType.Delivered, new { recipient = recipient.Address, host = result.RemoteHost, reply = result.Reply }));
                        break;
                    case RecipientOutcome.Deferred when attempts <= schedule.Count:
                        var next = now + (long)schedule[attempts - 1].TotalMilliseconds;
                        await outbound.UpdateRecipientAsync(tx, recipient.Id, OutboundState.Deferred, attempts, next, result.Reply, now);
                        await outbound.AddEventAsync(tx, outboundId, recipient.Address, DeliveryEventType.Deferred, new
                        {
                            reason = result.Reply, status = result.Status, attempt = attempts,
                            next_attempt_at = DateTimeOffset.FromUnixTimeMilliseconds(next).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
                        }, now);
                        happened.Add((MailboxEventType.Deferred, new { recipient = recipient.Address, reason = result.Reply, attempt = attempts }));
                        break;
                    case RecipientOutcome.Deferred:
                        var expired = result with { Reply = $"gave up after {attempts} attempts; last error: {result.Reply}", Status = "5" + result.Status[1..] };
                        await outbound.UpdateRecipientAsync(tx, recipient.Id, OutboundState.Failed, attempts, null, expired.Reply, now);
                        await outbound.AddEventAsync(tx, outboundId, recipient.Address, DeliveryEventType.Expired,
                            new { attempts, last_error = result.Reply }, now);
                        failures.Add((recipient.Address, expired));
                        happened.Add((MailboxEventType.Failed, new { recipient = recipient.Address, reason = expired.Reply }));
                        break;
                    default:
                        await outbound.UpdateRecipientAsync(tx, recipient.Id, OutboundState.Failed, attempts, null, result.Reply, now);
                        await outbound.AddEventAsync(tx, outboundId, recipient.Address, DeliveryEventType.Failed,
                            new { reason = result.Reply, status = result.Status, host = result.RemoteHost, attempt = attempts }, now);
                        failures.Add((recipient.Address, result));
                        happened.Add((MailboxEventType.Failed, new { recipient = recipient.Address, reason = result.Reply }));
                        break;
                }
            }
            var message = await RollUpAsync(tx, outboundId, now);
            foreach (var (type, details) in happened)
                await events.RecordAsync(tx, message.MailboxId, type, "", outboundId, Merge(message, details), now);
            return (message, failures);
        });

    /// <summary>Makes the message's waiting recipients due now (operators: "retry now").</summary>
    public async Task<OutboundRecord> RetryNowAsync(long outboundId, Caller caller)
    {
        var record = await store.WriteAsync(async tx =>
        {
            var now = Now;
            var waiting = await WaitingAsync(tx, outboundId, caller);
            foreach (var recipient in waiting)
            {
                await outbound.UpdateRecipientAsync(tx, recipient.Id, recipient.State, (int)recipient.Attempts, now, recipient.LastError, now);
                await outbound.AddEventAsync(tx, outboundId, recipient.Address, DeliveryEventType.RetryRequested, new { by = caller.Description }, now);
            }
            return await outbound.FindAsync(outboundId, tx);
        });
        Wake();
        return record!;
    }

    /// <summary>Gives up on the message's waiting recipients without a bounce; an attempt already under way finishes.</summary>
    public Task<OutboundRecord> CancelAsync(long outboundId, Caller caller) =>
        store.WriteAsync(async tx =>
        {
            var now = Now;
            foreach (var recipient in await WaitingAsync(tx, outboundId, caller))
            {
                await outbound.UpdateRecipientAsync(tx, recipient.Id, OutboundState.Failed, (int)recipient.Attempts, null, "cancelled by an operator", now);
                await outbound.AddEventAsync(tx, outboundId, recipient.Address, DeliveryEventType.Cancelled, new { by = caller.Description }, now);
            }
            return await RollUpAsync(tx, outboundId, now);
        });

    private async Task<List<OutboundRecipientRecord>> WaitingAsync(IUnitOfWork tx, long outboundId, Caller caller)
    {
        var message = await outbound.FindAsync(outboundId, tx);
        if (message is null || !caller.CanAccessMailbox(message.MailboxId))
            throw new MailServerException(ErrorKind.NotFound, $"No outbound message with id {outboundId}.");
        var waiting = (await outbound.ListRecipientsAsync([outboundId], tx))
            .Where(r => !r.IsLocal && r.State is OutboundState.Queued or OutboundState.Deferred).ToList();
        if (waiting.Count == 0)
            throw new MailServerException(ErrorKind.FailedPrecondition,
                $"Outbound message {outboundId} has no recipient waiting in the queue (state {message.State}).");
        return waiting;
    }

    private async Task<OutboundRecord> RollUpAsync(IUnitOfWork tx, long outboundId, long now)
    {
        var (state, error) = OutboundRollUp.Of(await outbound.ListRecipientsAsync([outboundId], tx));
        return await outbound.SetStateAsync(tx, outboundId, state, error, state == OutboundState.Sent ? now : null, now);
    }

    /// <summary>An outbound event's details: the message's summary and what happened to one recipient.</summary>
    private static Dictionary<string, object?> Merge(OutboundRecord message, object details)
    {
        var merged = new Dictionary<string, object?> { ["subject"] = message.Subject, ["from"] = message.Sender, ["to"] = string.Join(", ", message.RecipientList) };
        foreach (var property in details.GetType().GetProperties()) merged[property.Name] = property.GetValue(details);
        return merged;
    }
}
