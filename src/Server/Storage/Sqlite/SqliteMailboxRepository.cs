using System.Data.Common;
using Dapper;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteMailboxRepository(Database database) : SqliteRepository(database), IMailboxRepository
{
    private const string Columns = "id, domain_id AS DomainId, local_part AS LocalPart, address, password_hash AS PasswordHash, quota, active, created_at AS CreatedAt, storage_quota AS StorageQuota";

    public async Task<long> EnsureDomainAsync(IUnitOfWork tx, string domain, long now)
    {
        await Sql(tx).Connection!.ExecuteAsync(
            "INSERT INTO domains (name, created_at) VALUES (@domain, @now) ON CONFLICT (name) DO NOTHING", new { domain, now }, Sql(tx));
        return await Sql(tx).Connection!.ExecuteScalarAsync<long>("SELECT id FROM domains WHERE name = @domain", new { domain }, Sql(tx));
    }

    public Task<bool> DomainExistsAsync(string domain, IUnitOfWork? tx = null) =>
        ReadAsync(tx, async (c, t) => await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM domains WHERE name = @domain", new { domain }, t) > 0);

    public Task<IReadOnlyList<string>> ListDomainsAsync() =>
        ReadAsync<IReadOnlyList<string>>(null, async (c, t) => (await c.QueryAsync<string>("SELECT name FROM domains ORDER BY name", transaction: t)).AsList());

    public Task<long> InsertAsync(IUnitOfWork tx, long domainId, string localPart, string address, string passwordHash, long quota, long storageQuota, long now) =>
        Sql(tx).Connection!.ExecuteScalarAsync<long>(
            """
            INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, storage_quota, active, created_at)
            VALUES (@domainId, @localPart, @address, @passwordHash, @quota, @storageQuota, 1, @now) RETURNING id
            """, new { domainId, localPart, address, passwordHash, quota, storageQuota, now }, Sql(tx));

    public Task<MailboxRecord?> FindByAddressAsync(string address, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<MailboxRecord>($"SELECT {Columns} FROM mailboxes WHERE address = @address", new { address }, t));

    public Task<MailboxRecord?> FindByIdAsync(long id, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<MailboxRecord>($"SELECT {Columns} FROM mailboxes WHERE id = @id", new { id }, t));

    public Task<IReadOnlyList<MailboxRecord>> ListAsync(string? domain) =>
        ReadAsync<IReadOnlyList<MailboxRecord>>(null, async (c, t) => (await c.QueryAsync<MailboxRecord>(
            $"SELECT {Columns} FROM mailboxes WHERE @domain IS NULL OR address LIKE '%@' || @domain ORDER BY address",
            new { domain }, t)).AsList());

    public Task SetQuotaAsync(IUnitOfWork tx, long id, long quota, long storageQuota) =>
        Sql(tx).Connection!.ExecuteAsync("UPDATE mailboxes SET quota = @quota, storage_quota = @storageQuota WHERE id = @id", new { id, quota, storageQuota }, Sql(tx));

    public Task SetActiveAsync(IUnitOfWork tx, long id, bool active) =>
        Sql(tx).Connection!.ExecuteAsync("UPDATE mailboxes SET active = @active WHERE id = @id", new { id, active = active ? 1 : 0 }, Sql(tx));

    public Task SetPasswordHashAsync(IUnitOfWork tx, long id, string passwordHash) =>
        Sql(tx).Connection!.ExecuteAsync("UPDATE mailboxes SET password_hash = @passwordHash WHERE id = @id", new { id, passwordHash }, Sql(tx));
}
