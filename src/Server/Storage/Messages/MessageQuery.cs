namespace OpenMailserver.Server.Storage;

/// <summary>A listing or search of one mailbox, newest first. Null filters do not filter; times are Unix
/// milliseconds; <see cref="After"/> is the last message of the previous page.</summary>
public sealed record MessageQuery(long MailboxId, int Limit)
{
    public long? FolderId { get; init; }
    public bool? Unread { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Subject { get; init; }
    /// <summary>An FTS5 expression (<see cref="SearchQuery"/>).</summary>
    public string? Text { get; init; }
    public long? Since { get; init; }
    public long? Before { get; init; }
    public string? ThreadId { get; init; }
    public PagePosition? After { get; init; }
}
