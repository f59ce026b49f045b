using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>The outcome of a password login: the mailbox, or why not. <see cref="Revoked"/> is cancelled when
/// the password the login used is reset or the mailbox is disabled: a session ends its work on it.</summary>
public sealed record LoginResult(MailboxRecord? Mailbox, DateTimeOffset? LockedUntil, CancellationToken Revoked = default)
{
    public bool Succeeded => Mailbox is not null;
    public bool IsLockedOut => LockedUntil is not null;
}
