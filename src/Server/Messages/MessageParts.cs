using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>The attachments of a message, each named by its MIME part number (<see cref="PartNumbers"/>,
/// as IMAP numbers body sections: "2", "1.3"), so the API and a mail client point at the same part. An attachment is every leaf
/// that is not the readable body: parts with an attachment disposition or a filename, non-text parts
/// (inline images, reports) and attached messages.</summary>
public static class MessageParts
{
    public static IReadOnlyList<(string Id, MimeEntity Part)> Attachments(MimeMessage message) =>
        PartNumbers.Parts(message).Where(p => p.Part is not Multipart && IsAttachment(p.Part)).ToList();

    public static MimeEntity? Find(MimeMessage message, string? id) =>
        Attachments(message).FirstOrDefault(a => a.Id == id).Part;

    /// <summary>The decoded content: a part's bytes, or an attached message as it was written.</summary>
    public static byte[] Content(MimeEntity part)
    {
        using var buffer = new MemoryStream();
        if (part is MessagePart { Message: { } attached }) attached.WriteTo(buffer);
        else if (part is MimePart { Content: { } content }) content.DecodeTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The decoded size, counted on the encoded content without decoding or copying it: base64 by
    /// its alphabet characters (each carries six bits), quoted-printable by its escapes.</summary>
    public static long Size(MimeEntity part)
    {
        switch (part)
        {
            case MessagePart { Message: { } attached }:
                using (var measure = new MimeKit.IO.MeasuringStream())
                {
                    attached.WriteTo(measure);
                    return measure.Length;
                }
            case MimePart { Content: { Stream: { CanSeek: true, CanRead: true } stream } content }:
                stream.Position = 0;
                try
                {
                    return content.Encoding switch
                    {
                        ContentEncoding.Base64 => EncodedSize.Base64(stream),
                        ContentEncoding.QuotedPrintable => EncodedSize.QuotedPrintable(stream),
                        _ => stream.Length,
                    };
                }
                finally
                {
                    stream.Position = 0;
                }
            default:
                return 0;
        }
    }

    public static string FileName(MimeEntity part) => part switch
    {
        MimePart p => p.FileName ?? "",
        MessagePart m => m.ContentDisposition?.FileName ?? (m.Message?.Subject is { Length: > 0 } s ? s + ".eml" : ""),
        _ => "",
    };

    private static bool IsAttachment(MimeEntity entity) =>
        entity is MessagePart || entity.IsAttachment ||
        (entity is MimePart part && (part.FileName is not null || !(part.ContentType.IsMimeType("text", "plain") || part.ContentType.IsMimeType("text", "html"))));
}
