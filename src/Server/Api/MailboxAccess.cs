using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Api;

/// <summary>Finds the mailbox a request names and checks the caller may touch it (see
/// <see cref="MailboxService.GetForAsync"/>: 403 for another mailbox whether or not it exists).</summary>
public sealed class MailboxAccess(MailboxService mailboxes)
{
    public Task<MailboxRecord> RequireAsync(Caller caller, string? address) => mailboxes.GetForAsync(caller, address);
}
