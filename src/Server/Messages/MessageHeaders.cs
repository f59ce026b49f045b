using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>The header values the index keeps, taken from a parsed message once, at delivery.</summary>
public sealed record MessageHeaders(string Subject, string From, string To, string Cc, string Date, string MessageId)
{
    public static MessageHeaders Read(MimeMessage message) => new(
        Subject: message.Subject ?? "",
        From: message.Headers[HeaderId.From] is null ? "" : message.From.ToString(),
        To: message.Headers[HeaderId.To] is null ? "" : message.To.ToString(),
        Cc: message.Headers[HeaderId.Cc] is null ? "" : message.Cc.ToString(),
        Date: message.Headers[HeaderId.Date]?.Trim() ?? "",
        MessageId: message.MessageId ?? "");
}
