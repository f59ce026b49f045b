using System.Data.Common;

namespace OpenMailserver.Server.Storage;

/// <summary>Shared by the SQLite repositories: run a read inside the caller's transaction when there is
/// one (so it sees the transaction's own writes), otherwise on a fresh connection.</summary>
public abstract class SqliteRepository(Database database)
{
    protected Database Database { get; } = database;

    protected async Task<T> ReadAsync<T>(DbTransaction? tx, Func<DbConnection, DbTransaction?, Task<T>> read)
    {
        if (tx is not null) return await read(tx.Connection!, tx);
        await using var connection = await Database.OpenAsync();
        return await read(connection, null);
    }
}
