using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Messages;

/// <summary>A new mailbox starts with the standard folders (<see cref="SpecialFolders.Defaults"/>), each
/// subscribed, so every client shows them; folders a user creates do not start subscribed (RFC 3501 §6.3.3).</summary>
public sealed class DefaultFolders(MessageChanges changes) : INewMailboxSetup
{
    public async Task SetUpAsync(IUnitOfWork tx, long mailboxId)
    {
        foreach (var (name, specialUse) in SpecialFolders.Defaults) await changes.CreateDefaultFolderAsync(tx, mailboxId, name, specialUse);
    }
}
