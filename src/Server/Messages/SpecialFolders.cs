namespace OpenMailserver.Server.Messages;

/// <summary>The folders every mailbox starts with, and their RFC 6154 special-use attributes.</summary>
public static class SpecialFolders
{
    public const string Inbox = "INBOX";
    public const string Sent = "Sent";
    public const string Drafts = "Drafts";
    public const string Trash = "Trash";
    public const string Junk = "Junk";
    public const string SentSpecialUse = "\\Sent";

    public static readonly IReadOnlyList<(string Name, string? SpecialUse)> Defaults =
    [
        (Inbox, null), (Sent, SentSpecialUse), (Drafts, "\\Drafts"), (Trash, "\\Trash"), (Junk, "\\Junk"),
    ];

    /// <summary>INBOX is case-insensitive in IMAP; every other name is taken as written.</summary>
    public static string Normalize(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Equals(Inbox, StringComparison.OrdinalIgnoreCase) ? Inbox : name.Trim();
}
