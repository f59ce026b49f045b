using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Why a mailbox would not take a message.</summary>
public enum IngestRefusal
{
    None,
    NoMailbox,
    Disabled,
    OverQuota,
    NoFolder,
}

/// <summary>The stored message and its folder, or why nothing was stored (<see cref="Reason"/> says it in words
/// for an SMTP reply, a delivery event or a log line).</summary>
public sealed record IngestResult(MessageRecord? Message, FolderRecord? Folder, IngestRefusal Refusal, string? Reason)
{
    public static IngestResult Stored(MessageRecord message, FolderRecord folder) => new(message, folder, IngestRefusal.None, null);

    public static IngestResult Refused(IngestRefusal refusal, string reason) => new(null, null, refusal, reason);
}
