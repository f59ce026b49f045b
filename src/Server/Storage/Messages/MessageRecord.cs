namespace OpenMailserver.Server.Storage;

/// <summary>A row of the message index: where a message is, its flags, its conversation and the header
/// values listings show, written at delivery so a listing never parses MIME. <see cref="Blob"/> names the
/// raw MIME.</summary>
public sealed record MessageRecord(string Id, long MailboxId, long FolderId, long Uid, string Flags, long ReceivedAt, long Size,
    string Blob, string Subject, string FromHeader, string ToHeader, string CcHeader, string DateHeader, string MessageIdHeader,
    string InReplyTo, string ThreadId);
