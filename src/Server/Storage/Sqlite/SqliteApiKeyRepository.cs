using System.Data.Common;
using Dapper;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteApiKeyRepository(Database database) : SqliteRepository(database), IApiKeyRepository
{
    private const string Columns =
        "id, key_hash AS KeyHash, prefix, name, mailbox_id AS MailboxId, scopes, created_at AS CreatedAt, revoked_at AS RevokedAt, last_used_at AS LastUsedAt";

    public Task<long> InsertAsync(IUnitOfWork tx, byte[] keyHash, string prefix, string name, long? mailboxId, string scopes, long now) =>
        Sql(tx).Connection!.ExecuteScalarAsync<long>(
            """
            INSERT INTO api_keys (key_hash, prefix, name, mailbox_id, scopes, created_at)
            VALUES (@keyHash, @prefix, @name, @mailboxId, @scopes, @now) RETURNING id
            """, new { keyHash, prefix, name, mailboxId, scopes, now }, Sql(tx));

    public Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash) =>
        ReadAsync(null, (c, t) => c.QuerySingleOrDefaultAsync<ApiKeyRecord>($"SELECT {Columns} FROM api_keys WHERE key_hash = @keyHash", new { keyHash }, t));

    public Task<ApiKeyRecord?> FindByIdAsync(long id, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<ApiKeyRecord>($"SELECT {Columns} FROM api_keys WHERE id = @id", new { id }, t));

    public Task<ApiKeyRecord?> FindByNameAsync(string name, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QueryFirstOrDefaultAsync<ApiKeyRecord>(
            $"SELECT {Columns} FROM api_keys WHERE name = @name AND revoked_at IS NULL ORDER BY id DESC", new { name }, t));

    public Task<IReadOnlyList<ApiKeyRecord>> ListByMailboxAsync(long mailboxId) =>
        ReadAsync<IReadOnlyList<ApiKeyRecord>>(null, async (c, t) => (await c.QueryAsync<ApiKeyRecord>(
            $"SELECT {Columns} FROM api_keys WHERE mailbox_id = @mailboxId ORDER BY id", new { mailboxId }, t)).AsList());

    public Task<long> CountActiveAdminKeysAsync(IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE mailbox_id IS NULL AND revoked_at IS NULL", transaction: t));

    public async Task RevokeAsync(IUnitOfWork tx, long id, long now)
    {
        await Sql(tx).Connection!.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", new { id, now }, Sql(tx));
        // A webhook is the right to read a mailbox's events that the key handed out: it ends with the key.
        await Sql(tx).Connection!.ExecuteAsync(
            """
            UPDATE webhook_deliveries SET state = 'failed', last_error = 'the API key that created the webhook was revoked', next_attempt_at = NULL
            WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE api_key_id = @id AND deleted_at IS NULL)
            """, new { id }, Sql(tx));
        await Sql(tx).Connection!.ExecuteAsync("UPDATE webhooks SET deleted_at = @now WHERE api_key_id = @id AND deleted_at IS NULL", new { id, now }, Sql(tx));
    }

    public Task TouchAsync(long id, long now) =>
        Database.WriteAsync(tx => tx.Connection!.ExecuteAsync("UPDATE api_keys SET last_used_at = @now WHERE id = @id", new { id, now }, tx));
}
