using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>The stored message and its folder, or why nothing was stored (<see cref="Reason"/> says it in words
/// for an SMTP reply, a delivery event or a log line).</summary>
public sealed record IngestResult(MessageRecord? Message, FolderRecord? Folder, StoreRefusal Refusal, string? Reason)
{
    public static IngestResult Stored(MessageRecord message, FolderRecord folder) => new(message, folder, StoreRefusal.None, null);

    public static IngestResult Refused(StoreRefusal refusal, string reason) => new(null, null, refusal, reason);
}
