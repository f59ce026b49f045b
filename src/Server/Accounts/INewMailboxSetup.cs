using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>What a new mailbox holds besides its account and key, set up in the transaction that creates
/// it; provided by a higher layer (its folders, by Messages), so Accounts does not depend on it.</summary>
public interface INewMailboxSetup
{
    Task SetUpAsync(IUnitOfWork tx, long mailboxId);
}
