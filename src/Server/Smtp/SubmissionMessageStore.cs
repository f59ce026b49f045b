using System.Buffers;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Submission;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace OpenMailserver.Server.Smtp;

/// <summary>Submission DATA: adds what a submission agent may add (Received, Message-ID, Date; RFC 6409 §8), and hands the message to the
/// same <see cref="SubmissionPipeline"/> as the API's send, so it is stored, delivered or queued, and listed
/// in /v1/outbound the same way. The pipeline refuses an author field (From, Sender, Resent-From,
/// Resent-Sender) that is not the authenticated mailbox's own: 550 5.7.1, naming the field.</summary>
public sealed class SubmissionMessageStore(
    SubmissionPipeline pipeline, IOptions<LimitsOptions> limits, IOptions<InboundOptions> inbound, IOptions<ServerOptions> server, TimeProvider time, ILogger<SubmissionMessageStore> logger)
    : IMessageStore
{
    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var mailbox = context.Mailbox();
        if (mailbox is null) return SmtpReplies.Reply(SmtpReplyCode.AuthenticationRequired, "5.7.0 Authentication required");
        var limit = limits.Value.MaxMessageBytes;
        if (buffer.Length > limit) return SmtpReplies.TooBig(limit).Response;

        var hostname = server.Value.Hostname;
        var id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var recipients = transaction.To.Select(t => EmailAddress.Parse(t.Address(), "recipient")).Distinct().ToList();
        var raw = TraceHeaders.Prepend(context, hostname, transaction.From.Address(), recipients.Select(r => r.ToString()).ToList(), id,
            time.GetUtcNow(), buffer);

        // The message goes on whole, so it is parsed whole: only once a pass that builds nothing has found it
        // within the inbound MIME limits, so that a message of a million parts costs a scan, not its parse.
        var mime = MimeLimits.From(inbound.Value);
        if (MimeStructureScanner.Scan(new MemoryStream(raw, writable: false), mime, headersOnly: false, cancellationToken).Cut is not null)
            return SmtpReplies.Reply(SmtpReplyCode.TransactionFailed,
                $"5.6.0 The message has more than {mime.MaxParts} MIME parts, {mime.MaxDepth} levels of nesting or {mime.MaxHeaders} header fields in a part");

        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(new MemoryStream(raw, writable: false), cancellationToken);
        }
        catch (FormatException)
        {
            return SmtpReplies.Reply(SmtpReplyCode.TransactionFailed, "5.6.0 The message is not valid MIME");
        }

        if (message.From.Mailboxes.FirstOrDefault() is null)
            return SmtpReplies.Reply(SmtpReplyCode.TransactionFailed, "5.6.0 The message has no From: header");
        if (string.IsNullOrEmpty(message.MessageId)) message.MessageId = MimeUtils.GenerateMessageId(hostname);
        if (message.Headers[HeaderId.Date] is null) message.Date = time.GetUtcNow();

        try
        {
            var sender = EmailAddress.Parse(transaction.From.Address(), "sender");
            var record = await pipeline.SubmitAsync(mailbox, sender, message, recipients, cancellationToken);
            logger.LogInformation("Submitted message {QueueId} over SMTP by {Mailbox} [{Remote}]", record.QueueId, mailbox.Address, context.RemoteAddress());
            return SmtpReplies.Accepted(record.QueueId);
        }
        catch (MailServerException e) when (e.Kind == ErrorKind.ResourceExhausted)
        {
            return e.Limit == nameof(LimitsOptions.MaxMessageBytes)
                ? SmtpReplies.TooBig(limit).Response
                : SmtpReplies.Reply(SmtpReplyCode.Unavailable, $"4.7.0 {e.Message}");
        }
        catch (MailServerException e) when (e.Kind == ErrorKind.PermissionDenied)
        {
            // An author field (From, Sender, Resent-From, Resent-Sender) that is not the mailbox's own.
            return SmtpReplies.Reply(SmtpReplyCode.MailboxUnavailable, $"5.7.1 {SmtpReplies.Printable(e.Message)}");
        }
        catch (MailServerException e)
        {
            return SmtpReplies.Reply(SmtpReplyCode.TransactionFailed, $"5.7.0 {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Submission {Id} by {Mailbox} could not be stored", id, mailbox.Address);
            return SmtpReplies.Reply(SmtpReplyCode.Aborted, "4.3.0 Local error in processing; try again later");
        }
    }
}
