using System.Data.Common;
using Dapper;

namespace OpenMailserver.Server.Storage;

public sealed class SqliteAliasRepository(Database database) : SqliteRepository(database), IAliasRepository
{
    private const string Columns = "id, source, destination, created_at AS CreatedAt";

    public Task<long> InsertAsync(IUnitOfWork tx, string source, string destination, long now) =>
        Sql(tx).Connection!.ExecuteScalarAsync<long>(
            "INSERT INTO aliases (source, destination, created_at) VALUES (@source, @destination, @now) RETURNING id",
            new { source, destination, now }, Sql(tx));

    public Task<AliasRecord?> FindBySourceAsync(string source, IUnitOfWork? tx = null) =>
        ReadAsync(tx, (c, t) => c.QuerySingleOrDefaultAsync<AliasRecord>($"SELECT {Columns} FROM aliases WHERE source = @source", new { source }, t));

    public Task<AliasRecord?> FindByIdAsync(long id) =>
        ReadAsync(null, (c, t) => c.QuerySingleOrDefaultAsync<AliasRecord>($"SELECT {Columns} FROM aliases WHERE id = @id", new { id }, t));

    public Task<IReadOnlyList<AliasRecord>> ListAsync(IUnitOfWork? tx = null) =>
        ReadAsync<IReadOnlyList<AliasRecord>>(tx, async (c, t) => (await c.QueryAsync<AliasRecord>($"SELECT {Columns} FROM aliases ORDER BY source", transaction: t)).AsList());

    public Task DeleteAsync(IUnitOfWork tx, long id) =>
        Sql(tx).Connection!.ExecuteAsync("DELETE FROM aliases WHERE id = @id", new { id }, Sql(tx));
}
