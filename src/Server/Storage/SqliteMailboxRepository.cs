using System.Data.Common;
using Dapper;
using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteMailboxRepository(Database database) : SqliteRepository(database), IMailboxRepository
{
    private const string Columns = "id, domain_id AS DomainId, local_part AS LocalPart, address, password_hash AS PasswordHash, quota, active, created_at AS CreatedAt";

    public async Task<long> EnsureDomainAsync(DbTransaction tx, string domain, long now)
    {
        await tx.Connection!.ExecuteAsync(
            "INSERT INTO domains (name, created_at) VALUES (@domain, @now) ON CONFLICT (name) DO NOTHING", new { domain, now }, tx);
        return await tx.Connection!.ExecuteScalarAsync<long>("SELECT id FROM domains WHERE name = @domain", new { domain }, tx);
    }

    public Task<bool> DomainExistsAsync(string domain, DbTransaction? tx = null) =>
        ReadAsync(tx, async (c, t) => await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM domains WHERE name = @domain", new { domain }, t) > 0);

    public Task<IReadOnlyList<string>> ListDomainsAsync() =>
        ReadAsync<IReadOnlyList<string>>(null, async (c, t) => (await c.QueryAsync<string>("SELECT name FROM domains ORDER BY name", transaction: t)).AsList());

    public Task<long> InsertAsync(DbTransaction tx, long domainId, string localPart, string address, string passwordHash, long quota, long now) =>
        tx.Connection!.ExecuteScalarAsync<long>(
            """
            INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, active, created_at)
            VALUES (@domainId, @localPart, @address, @passwordHash, @quota, 1, @now) RETURNING id
            """, new { domainId, localPart, address, passwordHash, quota, now }, tx);

    public Task<MailboxRecord?> FindByAddressAsync(string address, DbTransaction? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<MailboxRecord>($"SELECT {Columns} FROM mailboxes WHERE address = @address", new { address }, t));

    public Task<MailboxRecord?> FindByIdAsync(long id, DbTransaction? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<MailboxRecord>($"SELECT {Columns} FROM mailboxes WHERE id = @id", new { id }, t));

    public Task<IReadOnlyList<MailboxRecord>> ListAsync(string? domain) =>
        ReadAsync<IReadOnlyList<MailboxRecord>>(null, async (c, t) => (await c.QueryAsync<MailboxRecord>(
            $"SELECT {Columns} FROM mailboxes WHERE @domain IS NULL OR address LIKE '%@' || @domain ORDER BY address",
            new { domain }, t)).AsList());

    public Task SetActiveAsync(DbTransaction tx, long id, bool active) =>
        tx.Connection!.ExecuteAsync("UPDATE mailboxes SET active = @active WHERE id = @id", new { id, active = active ? 1 : 0 }, tx);

    public Task SetPasswordHashAsync(DbTransaction tx, long id, string passwordHash) =>
        tx.Connection!.ExecuteAsync("UPDATE mailboxes SET password_hash = @passwordHash WHERE id = @id", new { id, passwordHash }, tx);
}
