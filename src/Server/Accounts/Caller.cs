namespace OpenMailserver.Server.Accounts;

/// <summary>Who is calling the control plane: the key, its scopes, and the mailbox it is bound to (none
/// for an operator key).</summary>
public sealed record Caller(long KeyId, IReadOnlySet<string> Scopes, long? MailboxId, string? MailboxAddress)
{
    public bool IsAdmin => Scopes.Contains(Accounts.Scopes.Admin);

    public bool Has(string scope) => IsAdmin || Scopes.Contains(scope);

    /// <summary>The admin key reaches every mailbox; a mailbox key only its own.</summary>
    public bool CanAccessMailbox(long mailboxId) => IsAdmin || MailboxId == mailboxId;

    /// <summary>Who did it, for the trace: never the key itself.</summary>
    public string Description => MailboxAddress is null ? $"API key {KeyId}" : $"API key {KeyId} of {MailboxAddress}";
}
