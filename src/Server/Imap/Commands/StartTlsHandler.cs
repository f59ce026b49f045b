using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>STARTTLS (RFC 3501 §6.2.1): the OK goes out in cleartext, then the connection turns TLS.</summary>
public sealed class StartTlsHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["STARTTLS"];
    public IReadOnlyList<SessionState> States => AllowedIn.NotAuthenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        if (session.IsSecure)
        {
            r.Tagged(c.Tag, "BAD", "TLS is already active");
            return;
        }
        r.Tagged(c.Tag, "OK", "Begin TLS negotiation now");
        await session.WriteAsync(r, ct);
        await session.StartTlsAsync(ct);
    }
}
