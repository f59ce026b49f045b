using System.Buffers;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.MailAuthentication;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Smtp;

/// <summary>MX DATA: checks DKIM and SPF, adds the trace and Authentication-Results headers, and stores the message for its hosted recipients through
/// <see cref="InboundDelivery"/>. The 250 is returned only after the message and its index are on disk.</summary>
public sealed class InboundMessageStore(
    InboundDelivery delivery, InboundAuthenticator authenticator, MailMetrics metrics, IOptions<LimitsOptions> limits, IOptions<ServerOptions> server, TimeProvider time,
    ILogger<InboundMessageStore> logger)
    : IMessageStore
{
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var limit = limits.Value.MaxMessageBytes;
        if (buffer.Length > limit) return SmtpReplies.TooBig(limit).Response;

        var id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var recipients = transaction.To.Select(t => EmailAddress.TryParse(t.Address(), out var a) ? a.ToString() : t.Address()).Distinct().ToList();
        var from = transaction.From.Address();
        var hostname = server.Value.Hostname;
        var data = ForgedResults.Remove(buffer, hostname);
        var results = await authenticator.AuthenticateAsync(hostname, context.RemoteAddress(), context.Helo(), from, data, cancellationToken);
        var raw = TraceHeaders.Prepend(context, hostname, from, recipients, id, time.GetUtcNow(), data, results);
        try
        {
            var result = await delivery.DeliverAsync(raw, recipients, cancellationToken);
            if (!result.Delivered)
            {
                logger.LogWarning("Inbound message {Id} from <{From}> deferred: {Reason}", id, from, result.RefusedReason);
                // The reason names the mailbox behind an address (an alias's) and its quota: the log keeps it, the sender
                // learns only that it may try again.
                return SmtpReplies.Reply(SmtpReplyCode.InsufficientStorage, "4.2.2 Not stored: a recipient's mailbox is full or unavailable; try again later");
            }
            logger.LogInformation("Received message {Id} from <{From}> [{Remote}] for {Recipients}", id, from, context.RemoteAddress(), string.Join(", ", recipients));
            metrics.Received();
            return SmtpReplies.Accepted(id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Inbound message {Id} from <{From}> could not be stored", id, from);
            return SmtpReplies.Reply(SmtpReplyCode.Aborted, "4.3.0 Local error in processing; try again later");
        }
    }
}
