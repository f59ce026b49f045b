using System.Runtime.InteropServices;
using MimeKit;
using MimeKit.Utils;

namespace OpenMailserver.Server.Messages;

/// <summary>The header values the index keeps, read once at delivery from the header block alone (the
/// body is not parsed), decoded for display.</summary>
public sealed record MessageHeaders(string Subject, string From, string To, string Cc, string Date, string MessageId)
{
    public static readonly MessageHeaders Empty = new("", "", "", "", "", "");

    public static MessageHeaders Read(HeaderList headers) => new(
        Subject: headers[HeaderId.Subject]?.Trim() ?? "",
        From: Addresses(headers, HeaderId.From),
        To: Addresses(headers, HeaderId.To),
        Cc: Addresses(headers, HeaderId.Cc),
        Date: headers[HeaderId.Date]?.Trim() ?? "",
        MessageId: MimeUtils.EnumerateReferences(headers[HeaderId.MessageId] ?? "").FirstOrDefault() ?? "");

    /// <summary>Reads the header block at the start of a raw message; a block MimeKit cannot parse gives
    /// <see cref="Empty"/>, since a message is stored whatever its form.</summary>
    public static MessageHeaders Read(ReadOnlyMemory<byte> raw)
    {
        try
        {
            using var stream = MemoryMarshal.TryGetArray(raw, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(raw.ToArray(), writable: false);
            return Read(HeaderList.Load(stream));
        }
        catch (FormatException)
        {
            return Empty;
        }
    }

    private static string Addresses(HeaderList headers, HeaderId id)
    {
        var value = headers[id];
        if (value is null) return "";
        return InternetAddressList.TryParse(value, out var list) ? list.ToString() : value.Trim();
    }
}
