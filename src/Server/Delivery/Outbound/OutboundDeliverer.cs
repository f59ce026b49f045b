using MimeKit;
using OpenMailserver.Server.Delivery.Bounces;
using OpenMailserver.Server.Delivery.Dkim;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>One attempt for the leased recipients of one message at one domain: route, DKIM signature, SMTP
/// transfer, then the results settled in the queue and a bounce for those that failed for good.</summary>
public sealed class OutboundDeliverer(
    IOutboundRepository outbound, BlobStore blobs, RouteResolver routes, SmtpTransfer transfer, DkimKeys dkim, DeliveryJournal journal,
    OutboundQueue queue, BounceSender bounces, ILogger<OutboundDeliverer> logger)
{
    /// <summary>Headers the signature covers (RFC 6376 §5.4.1), each once more than it occurs.</summary>
    private static readonly HeaderId[] SignedHeaders =
    [
        HeaderId.From, HeaderId.Sender, HeaderId.ReplyTo, HeaderId.To, HeaderId.Cc, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId,
        HeaderId.InReplyTo, HeaderId.References, HeaderId.ResentFrom, HeaderId.ResentSender, HeaderId.MimeVersion, HeaderId.ContentType,
        HeaderId.ContentTransferEncoding,
    ];

    public async Task DeliverAsync(long outboundId, IReadOnlyList<OutboundRecipientRecord> recipients, CancellationToken cancellationToken)
    {
        var message = await outbound.FindAsync(outboundId) ?? throw new InvalidOperationException($"Outbound message {outboundId} vanished.");
        var domain = recipients[0].Domain;
        var addresses = recipients.Select(r => r.Address).ToList();
        await using var log = journal.Begin(outboundId);
        log.Record("", DeliveryEventType.Attempt, new { domain, recipients = addresses, attempt = recipients.Max(r => r.Attempts) + 1 });

        MimeMessage? mime = null;
        IReadOnlyDictionary<string, RecipientResult> results;
        try
        {
            var route = await routes.ResolveAsync(domain, cancellationToken);
            log.Record("", DeliveryEventType.Route, new
            {
                domain,
                route = route.Kind,
                hosts = route.Hosts.Select(h => new { host = h.Name, port = h.Port, preference = h.Preference }),
                require_tls = route.RequireTls,
            });
            mime = await LoadAsync(message, cancellationToken);
            await SignAsync(log, message, mime);
            results = await transfer.SendAsync(log, route, mime, message.Sender, addresses, cancellationToken);
        }
        catch (DeliveryFailure failure)
        {
            results = AllAs(addresses, new RecipientResult(failure.Permanent ? RecipientOutcome.Failed : RecipientOutcome.Deferred, failure.Message, failure.Status, null));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Delivery attempt for outbound {OutboundId} to {Domain} failed unexpectedly", outboundId, domain);
            results = AllAs(addresses, new RecipientResult(RecipientOutcome.Deferred, $"local error: {e.Message}", "4.3.0", null));
        }

        await log.StopAsync();
        var (settled, failures) = await queue.SettleAsync(log, recipients, results);
        logger.LogInformation("Outbound {QueueId} to {Domain}: {Results}; message {State}", message.QueueId, domain,
            string.Join(", ", results.Select(r => $"{r.Key} {r.Value.Outcome.ToString().ToLowerInvariant()}")), settled.State);
        if (failures.Count == 0) return;
        try
        {
            await bounces.BounceAsync(message, mime ?? await LoadAsync(message, CancellationToken.None), failures);
        }
        catch (Exception e)
        {
            // The failure itself is settled and on the trace; only the notification is missing.
            logger.LogError(e, "Could not bounce outbound {QueueId} for {Recipients}", message.QueueId, string.Join(", ", failures.Select(f => f.Recipient)));
            log.Record("", DeliveryEventType.BounceSuppressed,
                new { recipients = failures.Select(f => f.Recipient), reason = $"the notification could not be stored: {e.Message}" });
        }
    }

    private async Task<MimeMessage> LoadAsync(OutboundRecord message, CancellationToken cancellationToken)
    {
        await using var stream = blobs.OpenRead(message.Blob);
        return await MimeMessage.LoadAsync(stream, cancellationToken);
    }

    /// <summary>Blind copies stay blind: a Bcc header a mail client left in never leaves. Then seven-bit,
    /// so no relay on the way needs to re-encode the body and break the signature.</summary>
    private async Task SignAsync(AttemptLog log, OutboundRecord message, MimeMessage mime)
    {
        mime.Headers.RemoveAll(HeaderId.Bcc);
        mime.Headers.RemoveAll(HeaderId.ResentBcc);
        var domain = message.Sender[(message.Sender.LastIndexOf('@') + 1)..];
        mime.Prepare(EncodingConstraint.SevenBit);
        var signer = await dkim.SignerAsync(domain);
        // Each field is listed once more than it occurs (RFC 6376 §8.15, "oversigning"): the extra entry signs
        // the absence of one more, so a From, Sender, Reply-To or Subject added on the way (or put above the
        // original) breaks the signature instead of riding on it.
        signer.Sign(mime, [.. SignedHeaders.SelectMany(h => Enumerable.Repeat(h, mime.Headers.Count(x => x.Id == h) + 1))]);
        log.Record("", DeliveryEventType.DkimSigned, new { domain, selector = signer.Selector, algorithm = "rsa-sha256" });
    }

    private static Dictionary<string, RecipientResult> AllAs(IEnumerable<string> addresses, RecipientResult result) =>
        addresses.ToDictionary(a => a, _ => result, StringComparer.OrdinalIgnoreCase);
}
