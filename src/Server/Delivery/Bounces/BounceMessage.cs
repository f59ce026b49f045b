using System.Text;
using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Delivery.Outbound;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery.Bounces;

/// <summary>A delivery status notification (RFC 3464): a <c>multipart/report</c> with a human explanation,
/// the machine-readable <c>message/delivery-status</c> and the original message's headers.</summary>
public static class BounceMessage
{
    public static MimeMessage Build(string hostname, OutboundRecord original, HeaderList originalHeaders,
        IReadOnlyList<(string Recipient, RecipientResult Result)> failures, DateTimeOffset now)
    {
        var dsn = new MimeMessage();
        dsn.From.Add(new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{hostname}"));
        dsn.To.Add(MailboxAddress.Parse(original.Sender));
        dsn.Subject = "Undelivered Mail Returned to Sender";
        dsn.Date = now;
        dsn.MessageId = MimeUtils.GenerateMessageId(hostname);
        if (original.MessageId.Length > 0)
        {
            dsn.InReplyTo = original.MessageId.Trim('<', '>');
            dsn.References.Add(original.MessageId.Trim('<', '>'));
        }
        // RFC 3834: an automatic message, which responders must not answer.
        dsn.Headers.Add("Auto-Submitted", "auto-replied");

        var explanation = new StringBuilder()
            .Append("This is the mail system at host ").Append(hostname).Append(".\r\n\r\n")
            .Append("Your message could not be delivered to ")
            .Append(failures.Count == 1 ? "this recipient" : "these recipients").Append(". It will not be retried.\r\n\r\n");
        foreach (var (recipient, result) in failures)
            explanation.Append('<').Append(recipient).Append(">: ").Append(result.Reply).Append("\r\n");
        explanation.Append("\r\nThe headers of your message follow in an attachment.\r\n");

        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList
        {
            { "Reporting-MTA", $"dns; {hostname}" },
            { "X-OpenMailserver-Queue-ID", original.QueueId },
            { "Arrival-Date", DateUtils.FormatDate(DateTimeOffset.FromUnixTimeMilliseconds(original.CreatedAt)) },
        };
        status.StatusGroups.Add(perMessage);
        foreach (var (recipient, result) in failures)
        {
            var group = new HeaderList
            {
                { "Final-Recipient", $"rfc822; {recipient}" },
                { "Action", "failed" },
                { "Status", result.Status.StartsWith('5') ? result.Status : "5" + result.Status[1..] },
            };
            if (result.RemoteHost is { } host) group.Add("Remote-MTA", $"dns; {host}");
            // A multi-line reply becomes one line, as Postfix writes it: its line breaks are the remote server's,
            // and in a header they would be folded into whatever a reader makes of them.
            group.Add("Diagnostic-Code", "smtp; " + string.Join(' ', result.Reply.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(now));
            status.StatusGroups.Add(group);
        }

        // text/rfc822-headers holds a message that is only headers: parse them back as one.
        using var headers = new MemoryStream();
        originalHeaders.WriteTo(headers);
        headers.Write("\r\n"u8);
        headers.Position = 0;
        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = explanation.ToString() },
            status,
            new TextRfc822Headers { Message = MimeMessage.Load(headers) },
        };
        dsn.Body = report;
        return dsn;
    }

    /// <summary>A notification about a notification would loop: RFC 3464 §2 / RFC 5321 §4.5.5.</summary>
    public static bool IsReport(MimeMessage message) =>
        message.Body is MultipartReport { ReportType: { } type } && type.Equals("delivery-status", StringComparison.OrdinalIgnoreCase)
        || message.Headers[HeaderId.AutoSubmitted] is { } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase);
}
