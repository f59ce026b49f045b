using OpenMailserver.Server.Accounts;
using SmtpServer;
using SmtpServer.Authentication;

namespace OpenMailserver.Server.Smtp;

/// <summary>AUTH PLAIN/LOGIN on the submission ports: full address and mailbox password, through the
/// shared login throttle. The library offers AUTH only once the session is under TLS.</summary>
public sealed class SubmissionAuthenticator(PasswordLogin login) : IUserAuthenticator
{
    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var result = await login.LoginAsync(user, password, context.RemoteAddress(), "SMTP", cancellationToken);
        if (result.LockedUntil is { } until) throw SmtpReplies.LockedOut(until);
        if (!result.Succeeded) throw SmtpReplies.BadCredentials();
        context.SetMailbox(result.Mailbox!, result.Revoked);
        return true;
    }
}
