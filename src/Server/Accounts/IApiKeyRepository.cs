using System.Data.Common;

namespace OpenMailserver.Server.Accounts;

public interface IApiKeyRepository
{
    Task<long> InsertAsync(DbTransaction tx, byte[] keyHash, string prefix, string name, long? mailboxId, string scopes, long now);
    Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash);
    Task<ApiKeyRecord?> FindByIdAsync(long id, DbTransaction? tx = null);
    Task<ApiKeyRecord?> FindByNameAsync(string name, DbTransaction? tx = null);
    Task<IReadOnlyList<ApiKeyRecord>> ListByMailboxAsync(long mailboxId);
    Task<long> CountActiveAdminKeysAsync(DbTransaction? tx = null);
    /// <summary>Revokes the key and retires the webhooks it created, in the caller's transaction.</summary>
    Task RevokeAsync(DbTransaction tx, long id, long now);
    Task TouchAsync(long id, long now);
}
