namespace OpenMailserver.Server.Accounts;

/// <summary>What an API key may do. The admin key has all of them; a mailbox key has read, modify and send,
/// bound to its mailbox.</summary>
public static class Scopes
{
    public const string Admin = "admin";
    public const string DebugRead = "debug:read";
    public const string MailRead = "mail:read";
    public const string MailSend = "mail:send";
    /// <summary>Flags, labels, folders and deleting to Trash.</summary>
    public const string MailModify = "mail:modify";

    public static readonly IReadOnlyList<string> AdminScopes = [Admin, DebugRead, MailRead, MailModify, MailSend];
    public static readonly IReadOnlyList<string> MailboxScopes = [MailRead, MailModify, MailSend];
}
