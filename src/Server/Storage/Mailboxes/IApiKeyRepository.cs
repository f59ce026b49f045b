using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Storage;

public interface IApiKeyRepository
{
    Task<long> InsertAsync(IUnitOfWork tx, byte[] keyHash, string prefix, string name, long? mailboxId, string scopes, long now);
    Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash);
    Task<ApiKeyRecord?> FindByIdAsync(long id, IUnitOfWork? tx = null);
    Task<ApiKeyRecord?> FindByNameAsync(string name, IUnitOfWork? tx = null);
    Task<IReadOnlyList<ApiKeyRecord>> ListByMailboxAsync(long mailboxId);
    Task<long> CountActiveAdminKeysAsync(IUnitOfWork? tx = null);
    /// <summary>Revokes the key and retires the webhooks it created, in the caller's transaction.</summary>
    Task RevokeAsync(IUnitOfWork tx, long id, long now);
    Task TouchAsync(long id, long now);
}
