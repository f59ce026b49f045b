namespace OpenMailserver.Server.Storage;

/// <summary>What the index keeps about a message, read once when it is stored (by <c>Messages.MessageIndexer</c>) so that listings, threads
/// and search never parse MIME: the header values listings show (decoded for display), the message ids
/// it answers, and its readable text for full-text search.</summary>
public sealed record IndexedFields(string Subject, string From, string To, string Cc, string Date, string MessageId,
    string InReplyTo, IReadOnlyList<string> References, string Text)
{
    /// <summary>Enough for search to find a message by its content without storing a second copy of a huge one.</summary>
    public const int MaxTextLength = 100_000;

    public static readonly IndexedFields Empty = new("", "", "", "", "", "", "", [], "");
}
