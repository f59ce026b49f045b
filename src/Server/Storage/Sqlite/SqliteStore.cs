using Microsoft.Data.Sqlite;

namespace OpenMailserver.Server.Storage;

/// <summary>The store on SQLite: each unit of work runs in its own savepoint of <see cref="Database"/>'s group
/// commit, and the mailboxes it marked are announced after the commit that made it durable.</summary>
public sealed class SqliteStore(Database database, MailboxChanges changes) : IStore
{
    public async Task<T> WriteAsync<T>(Func<IUnitOfWork, Task<T>> work, CancellationToken cancellationToken = default)
    {
        SqliteUnitOfWork? unit = null;
        T result;
        try
        {
            result = await database.WriteAsync(tx => work(unit = new SqliteUnitOfWork(tx)), cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteExtendedErrorCode is 2067 or 1555 /* SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY */)
        {
            throw new DuplicateKeyException(e);
        }
        changes.Raise(unit!.ChangedMailboxes);
        return result;
    }
}
