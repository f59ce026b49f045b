using Microsoft.Extensions.Options;
using MimeKit;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Delivery.Outbound;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Submission;

/// <summary>The one way a message becomes "sent by a mailbox", whichever door it came through. It checks that
/// every author field is the mailbox's own, enforces the limits, stores the raw MIME durably, and then in one
/// transaction keeps the copy in Sent, records the outbound message with its events, delivers to hosted
/// recipients and queues the rest. Blind copies stay blind: only the Sent copy keeps Bcc and Resent-Bcc;
/// every recipient, hosted or not, gets the message without them. When this returns, all of it is on disk.</summary>
public sealed class SubmissionPipeline(
    IStore store, MessageIngest ingest, IOutboundRepository outbound, RecipientResolver resolver, SenderPolicy senders, OutboundQueue queue, MailMetrics metrics,
    IOptions<LimitsOptions> options, TimeProvider time, ILogger<SubmissionPipeline> logger)
{
    public async Task<OutboundRecord> SubmitAsync(MailboxRecord mailbox, EmailAddress sender, MimeMessage message,
        IReadOnlyList<EmailAddress> recipients, CancellationToken cancellationToken = default, IdempotencyClaim? idempotency = null)
    {
        var limits = options.Value;
        if (recipients.Count == 0)
            throw new MailServerException(ErrorKind.InvalidArgument, "recipients must name at least one address.");
        if (recipients.Count > limits.MaxRecipientsPerMessage)
            throw new MailServerException(ErrorKind.InvalidArgument,
                $"The message has {recipients.Count} recipients; at most {limits.MaxRecipientsPerMessage} are allowed per message.");

        await senders.RequireOwnAuthorsAsync(mailbox, message);

        using var buffer = new MemoryStream();
        await message.WriteToAsync(StoredMime.Format, buffer, cancellationToken);
        if (buffer.Length > limits.MaxMessageBytes)
            throw new MailServerException(ErrorKind.ResourceExhausted,
                $"The message is {buffer.Length} bytes; the limit is {limits.MaxMessageBytes} bytes (Limits:MaxMessageBytes).")
            { Limit = nameof(LimitsOptions.MaxMessageBytes) };

        var headers = MessageIndexer.Read(message);
        var sentBytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var sentCopy = await ingest.PrepareAsync(sentBytes, headers, cancellationToken);
        // Recipients, here and elsewhere, get the message without its blind copies.
        var outgoing = message.Headers.Contains(HeaderId.Bcc) || message.Headers.Contains(HeaderId.ResentBcc)
            ? await ingest.PrepareAsync(await WithoutBlindCopiesAsync(sentBytes, cancellationToken), headers, cancellationToken)
            : sentCopy;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var queueId = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

        var record = await store.WriteAsync(async tx =>
        {
            var hourAgo = now - (long)TimeSpan.FromHours(1).TotalMilliseconds;
            var sentLastHour = await outbound.CountSinceAsync(mailbox.Id, hourAgo, tx);
            if (sentLastHour >= limits.MaxSendsPerHour)
                throw new MailServerException(ErrorKind.ResourceExhausted,
                    $"{mailbox.Address} has sent {sentLastHour} messages in the last hour; the limit is {limits.MaxSendsPerHour} (Limits:MaxSendsPerHour). Try again later.")
                { Limit = nameof(LimitsOptions.MaxSendsPerHour) };

            var addresses = recipients.Select(r => r.ToString()).ToList();
            var sent = await outbound.InsertAsync(tx, mailbox.Id, sender.ToString(), addresses, headers.Subject, headers.MessageId, queueId,
                outgoing.Blob, outgoing.Size, now);
            if (idempotency is not null)
                await outbound.ClaimIdempotencyKeyAsync(tx, mailbox.Id, idempotency.Key, idempotency.RequestHash, sent.Id, now,
                    now - (long)IdempotentSends.Window.TotalMilliseconds);
            var own = await ingest.StoreAsync(tx, mailbox, SpecialFolders.Sent, sentCopy,
                new IngestOptions(MailboxEventType.Sent, now, MessageFlags.Seen, OutboundId: sent.Id, Own: true));
            if (own.Message is null) throw new InvalidOperationException($"The sent copy could not be kept: {own.Reason}.");
            await outbound.AddEventAsync(tx, sent.Id, "", DeliveryEventType.Accepted,
                new { sender = sender.ToString(), recipients = addresses.Count, size = outgoing.Size, message_id = headers.MessageId }, now);

            var delivered = 0;
            var queued = 0;
            var failures = new List<string>();
            foreach (var recipient in addresses)
            {
                var resolution = await resolver.ResolveAsync(recipient, tx);
                if (!resolution.IsHostedDomain)
                {
                    queued++;
                    await outbound.InsertRecipientAsync(tx, sent.Id, recipient, local: false, OutboundState.Queued, "", now);
                    await outbound.AddEventAsync(tx, sent.Id, recipient, DeliveryEventType.Queued, new { reason = "recipient domain is not hosted here" }, now);
                    continue;
                }

                var reasons = new List<string>();
                if (!resolution.IsLocal) reasons.Add($"no mailbox {recipient} here");
                foreach (var target in resolution.Mailboxes)
                {
                    var result = await ingest.DeliverAsync(tx, target, outgoing, now);
                    if (result.Message is { } stored)
                    {
                        await outbound.AddEventAsync(tx, sent.Id, recipient, DeliveryEventType.DeliveredLocal,
                            new { mailbox = target.Address, folder = SpecialFolders.Inbox, message_id = stored.Id }, now);
                    }
                    else
                    {
                        reasons.Add(result.Reason!);
                        await outbound.AddEventAsync(tx, sent.Id, recipient, DeliveryEventType.LocalFailed, new { mailbox = target.Address, reason = result.Reason }, now);
                    }
                }
                if (!resolution.IsLocal)
                    await outbound.AddEventAsync(tx, sent.Id, recipient, DeliveryEventType.LocalFailed, new { reason = reasons[0] }, now);

                var ok = reasons.Count == 0;
                if (ok) delivered++;
                else failures.Add($"{recipient}: {string.Join("; ", reasons)}");
                await outbound.InsertRecipientAsync(tx, sent.Id, recipient, local: true, ok ? OutboundState.Sent : OutboundState.Failed,
                    string.Join("; ", reasons), now);
            }

            var state = queued > 0 ? OutboundState.Queued : delivered > 0 ? OutboundState.Sent : OutboundState.Failed;
            return await outbound.SetStateAsync(tx, sent.Id, state, string.Join("; ", failures), state == OutboundState.Sent ? now : null, now);
        }, cancellationToken);
        metrics.Submitted();
        if (record.State == OutboundState.Queued) queue.Wake();

        logger.LogInformation("Accepted message {QueueId} from {Sender} to {Count} recipient(s): {State}", record.QueueId, sender, recipients.Count, record.State);
        return record;
    }

    /// <summary>The stored form again, parsed from those very bytes so that the caller's message is left as it
    /// was, without its Bcc and Resent-Bcc fields.</summary>
    private static async Task<ReadOnlyMemory<byte>> WithoutBlindCopiesAsync(ReadOnlyMemory<byte> stored, CancellationToken cancellationToken)
    {
        var copy = await MimeMessage.LoadAsync(new MemoryStream(stored.ToArray(), writable: false), cancellationToken);
        copy.Headers.RemoveAll(HeaderId.Bcc);
        copy.Headers.RemoveAll(HeaderId.ResentBcc);
        using var buffer = new MemoryStream();
        await copy.WriteToAsync(StoredMime.Format, buffer, cancellationToken);
        return buffer.ToArray();
    }
}
