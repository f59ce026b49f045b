using System.Data.Common;

namespace OpenMailserver.Server.Storage;

/// <summary>A write's own savepoint inside a group-commit transaction, and the mailboxes it changed.</summary>
internal sealed class SqliteUnitOfWork(DbTransaction transaction) : IUnitOfWork
{
    private readonly HashSet<long> _changed = [];

    public DbTransaction Transaction { get; } = transaction;

    public IReadOnlyCollection<long> ChangedMailboxes => _changed;

    public void Changed(long mailboxId) => _changed.Add(mailboxId);
}
