using System.Text;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>LOGIN and AUTHENTICATE PLAIN (with SASL-IR), only over TLS. A mailbox has a bounded number of
/// sessions, and a login's session ends when its credential is revoked.</summary>
public sealed class LoginHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["LOGIN", "AUTHENTICATE"];
    public IReadOnlyList<SessionState> States => AllowedIn.NotAuthenticated;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct) =>
        c.Name == "LOGIN" ? LoginAsync(session, c, r, ct) : AuthenticateAsync(session, c, r, ct);

    private static async Task LoginAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var login = CommandParser.Login(c.Arguments);
        if (!session.IsSecure)
        {
            r.Tagged(c.Tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS first (or the implicit TLS port); LOGIN is disabled without TLS");
            return;
        }
        await CompleteAsync(session, c, r, login.User, login.Password, ct);
    }

    private static async Task AuthenticateAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var (mechanism, initial) = CommandParser.Authenticate(c.Arguments);
        if (mechanism != "PLAIN")
        {
            r.Tagged(c.Tag, "NO", $"[CANNOT] Unsupported mechanism {mechanism.Shorten()}; use PLAIN");
            return;
        }
        if (!session.IsSecure)
        {
            r.Tagged(c.Tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS first (or the implicit TLS port)");
            return;
        }
        if (initial is null)
        {
            await session.WriteAsync(new ImapResponse().Raw("+ \r\n"), ct);
            var line = await session.ReadLineAsync(ct) ?? throw new IOException("Connection closed during AUTHENTICATE");
            initial = Encoding.ASCII.GetString(line);
        }
        if (initial == "*")
        {
            r.Tagged(c.Tag, "BAD", "AUTHENTICATE cancelled");
            return;
        }
        byte[] decoded;
        try
        {
            decoded = initial == "=" ? [] : Convert.FromBase64String(initial);
        }
        catch (FormatException)
        {
            r.Tagged(c.Tag, "BAD", "The PLAIN response is not valid base64");
            return;
        }
        // authzid NUL authcid NUL password (RFC 4616); an authzid other than the user is not supported.
        var parts = Encoding.UTF8.GetString(decoded).Split('\0');
        if (parts.Length != 3 || (parts[0].Length > 0 && !parts[0].Equals(parts[1], StringComparison.OrdinalIgnoreCase)))
        {
            r.Tagged(c.Tag, "NO", "[AUTHENTICATIONFAILED] Invalid credentials");
            return;
        }
        await CompleteAsync(session, c, r, parts[1], parts[2], ct);
    }

    private static async Task CompleteAsync(ImapSession session, ImapCommand c, ImapResponse r, string user, string password, CancellationToken ct)
    {
        var services = session.Services;
        var result = await services.Login.LoginAsync(user, password, session.Remote, "IMAP", ct);
        if (result.LockedUntil is { } until)
        {
            r.Tagged(c.Tag, "NO", $"[UNAVAILABLE] Too many failed logins; try again after {until:HH:mm} UTC");
            return;
        }
        if (!result.Succeeded)
        {
            r.Tagged(c.Tag, "NO", "[AUTHENTICATIONFAILED] Invalid credentials");
            return;
        }
        var limit = services.Imap.Value.MaxSessionsPerMailbox;
        if (!services.MailboxSessions.TryEnter(session, result.Mailbox!.Id, limit))
        {
            r.Tagged(c.Tag, "NO", $"[LIMIT] {result.Mailbox.Address} has {limit} sessions open; log out elsewhere and try again");
            return;
        }
        session.LoggedIn(result.Mailbox, result.Revoked);
        r.Tagged(c.Tag, "OK", $"[CAPABILITY {CapabilityHandler.List(session)}] Logged in as {result.Mailbox.Address}");
    }
}
