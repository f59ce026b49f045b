using MimeKit;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Views;

/// <summary>Index entries and parsed messages to the API's message shapes.</summary>
public static class MessageView
{
    public static MessageSummary ToSummary(this MessageRecord m, IReadOnlyDictionary<long, string> folders) => new()
    {
        Id = m.Id, Subject = m.Subject, From = m.FromHeader, To = m.ToHeader, Date = m.DateHeader, Flags = { MessageFlags.List(m.Flags) },
        Folder = folders.GetValueOrDefault(m.FolderId, ""), ThreadId = m.ThreadId, Size = m.Size, ReceivedAt = ProtoTime.From(m.ReceivedAt),
    };

    /// <param name="truncated">Whether the MIME structure was cut at the limits (<see cref="BoundedMime"/>).</param>
    public static V1.Message ToMessage(MessageRecord record, MimeMessage mime, bool truncated, string folder)
    {
        var flags = MessageFlags.List(record.Flags);
        var message = new V1.Message
        {
            Id = record.Id, Subject = record.Subject, From = record.FromHeader, To = record.ToHeader, Date = record.DateHeader,
            Body = MessageBody.Text(mime), Flags = { flags }, TextBody = mime.TextBody ?? "", HtmlBody = mime.HtmlBody ?? "",
            Cc = record.CcHeader, ReplyTo = mime.ReplyTo.ToString(), MessageIdHeader = record.MessageIdHeader,
            InReplyTo = mime.InReplyTo ?? "", References = { mime.References }, Folder = folder, Size = record.Size, ThreadId = record.ThreadId,
            ExtractedText = ReplyExtractor.Extract(mime.TextBody, mime.HtmlBody),
            Labels = { flags.Where(f => !f.StartsWith('\\')) }, ReceivedAt = ProtoTime.From(record.ReceivedAt), Truncated = truncated,
        };
        message.Headers.AddRange(mime.Headers.Select(h => new V1.Header { Name = h.Field, Value = h.Value?.Trim() ?? "" }));
        message.Attachments.AddRange(MessageParts.Attachments(mime).Select(a => new AttachmentInfo
        {
            Id = a.Id, Filename = AttachmentFileName.For(a.Id, a.Part), OriginalFilename = MessageParts.FileName(a.Part), ContentType = a.Part.ContentType.MimeType,
            Size = MessageParts.Size(a.Part),
            ContentId = a.Part.ContentId ?? "", Inline = !a.Part.IsAttachment && a.Part.ContentId is not null,
        }));
        return message;
    }
}
