using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Api;

/// <summary>Finds the mailbox a request names and checks the caller may touch it. A mailbox key naming
/// another mailbox gets 403, whether or not that mailbox exists, so keys cannot probe for addresses.</summary>
public sealed class MailboxAccess(MailboxService mailboxes)
{
    public async Task<MailboxRecord> RequireAsync(Caller caller, string? address)
    {
        if (!caller.IsAdmin)
        {
            if (!EmailAddress.TryParse(address, out var parsed))
                throw new MailServerException(ErrorKind.InvalidArgument, $"address: '{EmailAddress.Shorten(address)}' is not a valid email address.");
            if (parsed.ToString() != caller.MailboxAddress)
                throw new MailServerException(ErrorKind.PermissionDenied, $"This API key belongs to {caller.MailboxAddress} and cannot access {parsed}.");
        }
        var mailbox = await mailboxes.GetAsync(address);
        if (!caller.CanAccessMailbox(mailbox.Id))
            throw new MailServerException(ErrorKind.PermissionDenied, $"This API key cannot access {mailbox.Address}.");
        return mailbox;
    }
}
