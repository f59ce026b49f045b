using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>The header values an IMAP ENVELOPE shows, as written (the first of each field).</summary>
public sealed record EnvelopeHeaders(
    byte[]? Date, byte[]? Subject, byte[]? From, byte[]? Sender, byte[]? ReplyTo, byte[]? To, byte[]? Cc, byte[]? Bcc, byte[]? InReplyTo, byte[]? MessageId)
{
    public static EnvelopeHeaders Of(HeaderList h)
    {
        byte[]? Raw(HeaderId id) => h.IndexOf(id) is var i and >= 0 ? h[i].RawValue : null;
        return new EnvelopeHeaders(Raw(HeaderId.Date), Raw(HeaderId.Subject), Raw(HeaderId.From), Raw(HeaderId.Sender), Raw(HeaderId.ReplyTo),
            Raw(HeaderId.To), Raw(HeaderId.Cc), Raw(HeaderId.Bcc), Raw(HeaderId.InReplyTo), Raw(HeaderId.MessageId));
    }
}
