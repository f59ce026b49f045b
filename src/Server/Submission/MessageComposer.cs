using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Hosting;

namespace OpenMailserver.Server.Submission;

/// <summary>Builds the MIME message for an API send: From, To, Cc, Subject, Date, a Message-ID on our
/// hostname, and a text body, an HTML body, or both as multipart/alternative. Bcc recipients travel only in
/// the envelope.</summary>
public sealed class MessageComposer(IOptions<OpenMailserverOptions> options, TimeProvider time)
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
        message.Subject = c.Subject;
        message.Date = time.GetUtcNow();
        message.MessageId = MimeUtils.GenerateMessageId(options.Value.Hostname ?? "localhost");

        var body = new BodyBuilder { TextBody = NullIfEmpty(c.TextBody), HtmlBody = NullIfEmpty(c.HtmlBody) };
        if (body.TextBody is null && body.HtmlBody is null) body.TextBody = "";
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
