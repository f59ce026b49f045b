using Microsoft.Extensions.Options;
using MimeKit;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery.Outbound;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Delivery.Bounces;

/// <summary>Tells a sender which recipients will never get its message: the DSN goes into the sending
/// mailbox's INBOX through local delivery, with a <c>bounced</c> event on the trace. Senders are always
/// hosted mailboxes, so a bounce never leaves the server, and a notification is never bounced.</summary>
public sealed class BounceSender(
    IStore store, MessageIngest ingest, IMailboxRepository mailboxes, IOutboundRepository outbound, IMailboxEventRepository events,
    MailMetrics metrics, IOptions<ServerOptions> server, TimeProvider time, ILogger<BounceSender> logger)
{
    public async Task BounceAsync(OutboundRecord original, MimeMessage message, IReadOnlyList<(string Recipient, RecipientResult Result)> failures)
    {
        var now = time.GetUtcNow();
        var recipients = failures.Select(f => f.Recipient).ToList();
        if (BounceMessage.IsReport(message))
        {
            await RecordAsync(original.Id, DeliveryEventType.BounceSuppressed, new { recipients, reason = "the message is itself an automatic notification" });
            return;
        }
        var sender = await mailboxes.FindByIdAsync(original.MailboxId);
        if (sender is null)
        {
            await RecordAsync(original.Id, DeliveryEventType.BounceSuppressed, new { recipients, reason = "the sending mailbox no longer exists" });
            return;
        }

        var dsn = BounceMessage.Build(server.Value.Hostname, original, message.Headers, failures, now);
        using var buffer = new MemoryStream();
        await dsn.WriteToAsync(StoredMime.Format, buffer);
        var raw = buffer.ToArray();
        var prepared = await ingest.PrepareAsync(raw);
        var stored = await store.WriteAsync(async tx =>
        {
            var result = await ingest.DeliverAsync(tx, sender.Id, prepared, now.ToUnixTimeMilliseconds());
            if (result.Message is { } delivered)
            {
                await outbound.AddEventAsync(tx, original.Id, "", DeliveryEventType.Bounced,
                    new { recipients, mailbox = sender.Address, message_id = delivered.Id, dsn_message_id = dsn.MessageId }, now.ToUnixTimeMilliseconds());
                await events.RecordAsync(tx, sender.Id, MailboxEventType.Bounced, delivered.Id, original.Id,
                    new { subject = original.Subject, from = original.Sender, recipients, report_message_id = delivered.Id }, now.ToUnixTimeMilliseconds());
            }
            else
                await outbound.AddEventAsync(tx, original.Id, "", DeliveryEventType.BounceSuppressed,
                    new { recipients, reason = result.Reason }, now.ToUnixTimeMilliseconds());
            return result.Message is not null;
        });
        if (stored) metrics.Bounced();
        logger.LogInformation("Bounce for outbound {QueueId} ({Recipients}) {Outcome}", original.QueueId, string.Join(", ", recipients),
            stored ? $"delivered to {sender.Address}" : "could not be delivered");
    }

    private Task RecordAsync(long outboundId, string type, object details) =>
        store.WriteAsync(tx => outbound.AddEventAsync(tx, outboundId, "", type, details, time.GetUtcNow().ToUnixTimeMilliseconds()));
}
