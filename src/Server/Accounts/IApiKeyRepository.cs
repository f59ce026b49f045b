using System.Data.Common;

namespace OpenMailserver.Server.Accounts;

public interface IApiKeyRepository
{
    Task<long> InsertAsync(DbTransaction tx, byte[] keyHash, string prefix, string name, long? mailboxId, string scopes, long now);
    Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash);
    Task<ApiKeyRecord?> FindByIdAsync(long id);
    Task<ApiKeyRecord?> FindByNameAsync(string name, DbTransaction? tx = null);
    Task<IReadOnlyList<ApiKeyRecord>> ListByMailboxAsync(long mailboxId);
    Task<long> CountActiveAdminKeysAsync();
    Task RevokeAsync(DbTransaction tx, long id, long now);
    Task TouchAsync(long id, long now);
}
