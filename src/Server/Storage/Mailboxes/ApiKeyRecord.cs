namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>api_keys</c>. <see cref="MailboxId"/> is null for operator keys; scopes are
/// space-separated.</summary>
public sealed record ApiKeyRecord(long Id, byte[] KeyHash, string Prefix, string Name, long? MailboxId, string Scopes,
    long CreatedAt, long? RevokedAt, long? LastUsedAt)
{
    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
