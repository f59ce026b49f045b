using System.Data.Common;

namespace OpenMailserver.Server.Storage;

/// <summary>Shared by the SQLite repositories: run a read inside the caller's unit of work when there is
/// one (so it sees the work's own writes), otherwise on a fresh connection.</summary>
public abstract class SqliteRepository(Database database)
{
    protected Database Database { get; } = database;

    protected async Task<T> ReadAsync<T>(IUnitOfWork? unit, Func<DbConnection, DbTransaction?, Task<T>> read)
    {
        if (unit is not null) return await read(Sql(unit).Connection!, Sql(unit));
        await using var connection = await Database.OpenAsync();
        return await read(connection, null);
    }

    /// <summary>The transaction under a unit of work; every unit of work this store hands out is one of its own.</summary>
    protected static DbTransaction Sql(IUnitOfWork unit) => ((SqliteUnitOfWork)unit).Transaction;

    /// <summary>Marks a mailbox whose messages or events this write changed, to be announced after the commit.
    /// The store does it, not its callers, so no writer can forget it.</summary>
    protected static void Changed(IUnitOfWork unit, long mailboxId) => ((SqliteUnitOfWork)unit).Changed(mailboxId);
}
