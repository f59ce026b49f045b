using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Net;
using SmtpServer;
using SmtpServer.Authentication;

namespace OpenMailserver.Server.Smtp;

/// <summary>AUTH PLAIN/LOGIN on the submission ports: full address and mailbox password, through the
/// shared login throttle. The library offers AUTH only once the session is under TLS. A mailbox holds at
/// most <c>Smtp:MaxSubmissionSessionsPerMailbox</c> logged-in sessions, so one mailbox (or one leaked
/// password) cannot take the submission pool from everyone else.</summary>
public sealed class SubmissionAuthenticator(
    PasswordLogin login, [FromKeyedServices(SessionsPerMailbox.Submission)] SessionsPerMailbox sessions, IOptions<SmtpOptions> options)
    : IUserAuthenticator
{
    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var result = await login.LoginAsync(user, password, context.RemoteAddress(), "SMTP", cancellationToken);
        if (result.LockedUntil is { } until) throw SmtpReplies.LockedOut(until);
        if (!result.Succeeded) throw SmtpReplies.BadCredentials();
        if (context.Pipe is SessionPipe pipe)
        {
            var limit = options.Value.MaxSubmissionSessionsPerMailbox;
            if (!sessions.TryEnter(pipe, result.Mailbox!.Id, limit)) throw SmtpReplies.TooManySessions(result.Mailbox.Address, limit);
            pipe.OnClosed(() => sessions.Leave(pipe));
        }
        context.SetMailbox(result.Mailbox!, result.Revoked);
        return true;
    }
}
