namespace OpenMailserver.Server.Accounts;

/// <summary>The outcome of a password login: the mailbox, or why not.</summary>
public sealed record LoginResult(MailboxRecord? Mailbox, DateTimeOffset? LockedUntil)
{
    public bool Succeeded => Mailbox is not null;
    public bool IsLockedOut => LockedUntil is not null;
}
