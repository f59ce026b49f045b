using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Reads the <see cref="IndexedFields"/> of a message: the one place its headers and text are
/// turned into what the index keeps.</summary>
public static class MessageIndexer
{
    /// <summary>Threading needs only the nearest ancestors; a runaway References header is cut to these.</summary>
    public const int MaxReferences = 50;

    public static IndexedFields Read(MimeMessage message)
    {
        var headers = message.Headers;
        var inReplyTo = Ids(headers[HeaderId.InReplyTo]).FirstOrDefault() ?? "";
        var references = Ids(headers[HeaderId.References]).Append(inReplyTo).Where(id => id.Length > 0).Distinct().TakeLast(MaxReferences).ToList();
        return new IndexedFields(
            Subject: headers[HeaderId.Subject]?.Trim() ?? "",
            From: Addresses(headers, HeaderId.From),
            To: Addresses(headers, HeaderId.To),
            Cc: Addresses(headers, HeaderId.Cc),
            Date: headers[HeaderId.Date]?.Trim() ?? "",
            MessageId: Ids(headers[HeaderId.MessageId]).FirstOrDefault() ?? "",
            InReplyTo: inReplyTo,
            References: references,
            Text: SearchText(message));
    }

    /// <summary>Reads a raw message no further than <paramref name="limits"/>; one MimeKit cannot parse gives
    /// <see cref="IndexedFields.Empty"/>, since a message is stored whatever its form.</summary>
    public static IndexedFields Read(ReadOnlyMemory<byte> raw, MimeLimits limits)
    {
        try
        {
            return Read(BoundedMime.Load(raw, limits).Mime);
        }
        catch (FormatException)
        {
            return IndexedFields.Empty;
        }
    }

    private static IEnumerable<string> Ids(string? value) => value is null ? [] : MimeUtils.EnumerateReferences(value);

    private static string SearchText(MimeMessage message)
    {
        var text = MessageBody.Text(message);
        var names = string.Join(' ', message.Attachments.Select(a => a is MimePart part ? part.FileName : null).OfType<string>());
        if (names.Length > 0) text = text + "\n" + names;
        return text.Length > IndexedFields.MaxTextLength ? text[..IndexedFields.MaxTextLength] : text;
    }

    private static string Addresses(HeaderList headers, HeaderId id)
    {
        var value = headers[id];
        if (value is null) return "";
        return InternetAddressList.TryParse(value, out var list) ? list.ToString() : value.Trim();
    }
}
