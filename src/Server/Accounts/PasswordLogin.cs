using System.Net;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>Checks a mailbox address and password for the mail protocols (SMTP AUTH now, IMAP later),
/// through the shared <see cref="LoginThrottle"/>. Unknown addresses cost the same hash as known ones, so
/// timing does not tell which addresses exist.</summary>
public sealed class PasswordLogin(IMailboxRepository mailboxes, LoginThrottle throttle, CredentialRevocations revocations, ILogger<PasswordLogin> logger)
{
    private static readonly string DummyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    public async Task<LoginResult> LoginAsync(string? user, string? password, IPAddress? remote, string protocol, CancellationToken cancellationToken = default)
    {
        var address = (user ?? "").Trim().ToLowerInvariant();
        if (throttle.LockedUntil(address, remote) is { } until)
        {
            logger.LogWarning("{Protocol} login for {Address} from {Remote} refused: locked until {Until:u}", protocol, address, remote, until);
            return new LoginResult(null, until);
        }

        var mailbox = IsLoginName(user) && EmailAddress.TryParse(address, out var parsed) ? await mailboxes.FindByAddressAsync(parsed.ToString()) : null;
        CancellationToken revoked = default;
        if (mailbox is not null)
        {
            // Taken before the hash that is checked is read, so a reset committed after that read still ends the
            // session; only for existing mailboxes, so guessed addresses leave nothing behind.
            revoked = revocations.ForPassword(mailbox.Address);
            mailbox = await mailboxes.FindByAddressAsync(mailbox.Address);
        }
        var ok = PasswordHasher.Verify(password ?? "", mailbox?.PasswordHash ?? DummyHash) && mailbox is { IsActive: true };
        if (ok)
        {
            throttle.RecordSuccess(address);
            logger.LogInformation("{Protocol} login for {Address} from {Remote}", protocol, address, remote);
            return new LoginResult(mailbox, null, revoked);
        }

        var delay = throttle.RecordFailure(address, remote);
        logger.LogWarning("{Protocol} login failed for {Address} from {Remote}", protocol, address, remote);
        await Task.Delay(delay, cancellationToken);
        return new LoginResult(null, null);
    }

    /// <summary>A login name is the address as it was given out: <c>local@domain</c>, any case. The forms an
    /// envelope address may also take (angle brackets, a root dot, surrounding blanks) are not a name anyone
    /// was given, so they never log in; the throttle counts them against the mailbox they spell all the same.</summary>
    private static bool IsLoginName(string? user) =>
        !string.IsNullOrEmpty(user) && user.Trim().Length == user.Length && !user.StartsWith('<') && !user.EndsWith('>') && !user.EndsWith('.');
}
