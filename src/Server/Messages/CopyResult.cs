using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Each message copied with its copy (in the order asked), and the folder they went to; or why
/// nothing was copied.</summary>
public sealed record CopyResult(IReadOnlyList<(MessageRecord Source, MessageRecord Copy)> Copies, FolderRecord? Destination, StoreRefusal Refusal)
{
    public static CopyResult Refused(StoreRefusal refusal) => new([], null, refusal);
}
