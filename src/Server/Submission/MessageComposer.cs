using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Submission;

/// <summary>Builds the MIME message for an API send: From, To, Cc, Reply-To, Subject, Date, a Message-ID on
/// our hostname, In-Reply-To and References for an answer, and a text body, an HTML body or both as
/// multipart/alternative, with attachments (multipart/mixed) and inline parts (multipart/related). The Bcc
/// field is written for the sender's Sent copy; <see cref="SubmissionPipeline"/> takes it out of every copy
/// a recipient gets.</summary>
public sealed class MessageComposer(IOptions<ServerOptions> server, TimeProvider time)
{
    /// <summary>RFC 5322's line limit; a longer subject is almost certainly a mistake.</summary>
    public const int MaxSubjectLength = 998;

    public MimeMessage Compose(Composition c)
    {
        if (c.Subject.Length > MaxSubjectLength)
            throw new MailServerException(ErrorKind.InvalidArgument, $"subject is {c.Subject.Length} characters; at most {MaxSubjectLength} are allowed.");
        if (c.Subject.Any(ch => char.IsControl(ch) && ch != '\t'))
            throw new MailServerException(ErrorKind.InvalidArgument, "subject must not contain line breaks or other control characters.");

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("", c.From.ToString()));
        message.To.AddRange(c.To.Select(a => new MailboxAddress("", a.ToString())));
        message.Cc.AddRange(c.Cc.Select(a => new MailboxAddress("", a.ToString())));
        message.Bcc.AddRange(c.Bcc.Select(a => new MailboxAddress("", a.ToString())));
        if (c.ReplyTo is { } replyTo) message.ReplyTo.Add(new MailboxAddress("", replyTo.ToString()));
        message.Subject = c.Subject;
        if (c.InReplyTo is { Length: > 0 } answered) message.InReplyTo = answered;
        foreach (var reference in c.References) message.References.Add(reference);
        message.Date = time.GetUtcNow();
        message.MessageId = MimeUtils.GenerateMessageId(server.Value.Hostname);

        var body = new BodyBuilder { TextBody = NullIfEmpty(c.TextBody), HtmlBody = NullIfEmpty(c.HtmlBody) };
        if (body.TextBody is null && body.HtmlBody is null) body.TextBody = "";
        foreach (var a in c.Attachments) Attach(body, a, inline: body.HtmlBody is not null);
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <param name="inline">False without an HTML body: nothing could show an inline part, and MimeKit would
    /// drop it, so it goes along as an ordinary attachment (keeping its Content-ID).</param>
    private static void Attach(BodyBuilder body, AttachmentContent a, bool inline)
    {
        if (string.IsNullOrWhiteSpace(a.FileName) && a.ContentId is null)
            throw new MailServerException(ErrorKind.InvalidArgument, "attachments: each attachment needs a filename (or a content_id for an inline part).");
        if (a.FileName.Any(char.IsControl) || a.FileName.Length > 255)
            throw new MailServerException(ErrorKind.InvalidArgument, $"attachments: '{EmailAddress.Shorten(a.FileName)}' is not a usable file name.");
        if (!ContentType.TryParse(string.IsNullOrWhiteSpace(a.ContentType) ? "application/octet-stream" : a.ContentType, out var type))
            throw new MailServerException(ErrorKind.InvalidArgument, $"attachments: '{EmailAddress.Shorten(a.ContentType)}' is not a MIME type such as application/pdf.");
        var name = string.IsNullOrWhiteSpace(a.FileName) ? null : a.FileName;
        var content = a.Content.ToArray();
        var part = a.ContentId is { Length: > 0 } cid
            ? (inline ? body.LinkedResources : body.Attachments).Add(name ?? cid.Trim('<', '>'), content, type)
            : body.Attachments.Add(name!, content, type);
        if (a.ContentId is { Length: > 0 } id) part.ContentId = id.Trim('<', '>');
        // Base64 whatever the type, so text files keep their exact bytes (line endings included).
        if (part is MimePart mime) mime.ContentTransferEncoding = ContentEncoding.Base64;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
