using System.Text;
using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>CAPABILITY, NOOP/CHECK, LOGOUT, ID, STARTTLS, LOGIN, AUTHENTICATE, NAMESPACE, ENABLE.</summary>
public sealed partial class ImapSession
{
    private Task CapabilityAsync(ImapCommand c, ImapResponse r)
    {
        c.Arguments.End();
        r.Untagged("CAPABILITY " + Capabilities()).Tagged(c.Tag, "OK", "CAPABILITY completed");
        return Task.CompletedTask;
    }

    private async Task NoopAsync(ImapCommand c, ImapResponse r)
    {
        c.Arguments.End();
        await WriteUpdatesAsync(r, allowExpunge: true);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    private Task LogoutAsync(ImapCommand c, ImapResponse r)
    {
        c.Arguments.End();
        r.Untagged("BYE Logging out").Tagged(c.Tag, "OK", "LOGOUT completed");
        State = SessionState.Logout;
        return Task.CompletedTask;
    }

    /// <summary>RFC 2971: the client says who it is (we log it) and we say who we are.</summary>
    private Task IdAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        a.Space();
        if (!a.TryWord("NIL"))
        {
            a.Expect('(');
            var fields = new List<string>();
            while (!a.TryExpect(')'))
            {
                if (fields.Count > 0) a.Space();
                fields.Add(a.String("a field name"));
                a.Space();
                fields.Add(a.NString("a field value") ?? "NIL");
                if (fields.Count > 60) throw new ImapParseException("ID takes at most 30 fields");
            }
            // What a client says of itself is logged short and on one line: it is not ours to trust.
            var id = string.Concat(string.Join(' ', fields).Take(200).Select(ch => char.IsControl(ch) ? ' ' : ch));
            _services.Logger.LogInformation("IMAP client from {Remote} identifies as {Id}", _remote, id);
        }
        a.End();
        r.Untagged("ID (\"name\" \"Open Mailserver\" \"vendor\" \"Open Mailserver\")").Tagged(c.Tag, "OK", "ID completed");
        return Task.CompletedTask;
    }

    private async Task StartTlsCommandAsync(ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        c.Arguments.End();
        if (IsSecure)
        {
            r.Tagged(c.Tag, "BAD", "TLS is already active");
            return;
        }
        r.Tagged(c.Tag, "OK", "Begin TLS negotiation now");
        await WriteAsync(r, ct);
        await StartTlsAsync(ct);
    }

    private async Task LoginAsync(ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = c.Arguments;
        a.Space();
        var user = a.AString("a user name");
        a.Space();
        var password = a.AString("a password");
        a.End();
        if (!IsSecure)
        {
            r.Tagged(c.Tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS first (or the implicit TLS port); LOGIN is disabled without TLS");
            return;
        }
        await CompleteLoginAsync(c, r, user, password, ct);
    }

    private async Task AuthenticateAsync(ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = c.Arguments;
        a.Space();
        var mechanism = a.Atom("a mechanism").ToUpperInvariant();
        string? initial = null;
        if (a.TrySpace()) initial = a.Atom("an initial response");
        a.End();
        if (mechanism != "PLAIN")
        {
            r.Tagged(c.Tag, "NO", $"[CANNOT] Unsupported mechanism {Shorten(mechanism)}; use PLAIN");
            return;
        }
        if (!IsSecure)
        {
            r.Tagged(c.Tag, "NO", "[PRIVACYREQUIRED] Use STARTTLS first (or the implicit TLS port)");
            return;
        }
        if (initial is null)
        {
            await WriteAsync(new ImapResponse().Raw("+ \r\n"), ct);
            var line = await _reader.ReadLineAsync(MaxLineBytes, ct) ?? throw new IOException("Connection closed during AUTHENTICATE");
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
        await CompleteLoginAsync(c, r, parts[1], parts[2], ct);
    }

    private async Task CompleteLoginAsync(ImapCommand c, ImapResponse r, string user, string password, CancellationToken ct)
    {
        var result = await _services.Login.LoginAsync(user, password, _remote, "IMAP", ct);
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
        var limit = _services.Options.Value.Imap.MaxSessionsPerMailbox;
        if (!_services.MailboxSessions.TryEnter(this, result.Mailbox!.Id, limit))
        {
            r.Tagged(c.Tag, "NO", $"[LIMIT] {result.Mailbox.Address} has {limit} sessions open; log out elsewhere and try again");
            return;
        }
        User = result.Mailbox;
        State = SessionState.Authenticated;
        _changeSubscription = _services.ChangeFeed.Subscribe(User!.Id, OnMailboxChanged);
        EndWhenRevoked(result.Revoked);
        r.Tagged(c.Tag, "OK", $"[CAPABILITY {Capabilities()}] Logged in as {User.Address}");
    }

    private Task NamespaceAsync(ImapCommand c, ImapResponse r)
    {
        c.Arguments.End();
        r.Untagged("NAMESPACE ((\"\" \"/\")) NIL NIL").Tagged(c.Tag, "OK", "NAMESPACE completed");
        return Task.CompletedTask;
    }

    /// <summary>RFC 5161. No extension we offer needs enabling, so nothing is enabled, as the RFC allows.</summary>
    private Task EnableAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        a.Space();
        a.Atom("a capability");
        while (a.TrySpace()) a.Atom("a capability");
        a.End();
        r.Untagged("ENABLED").Tagged(c.Tag, "OK", "ENABLE completed");
        return Task.CompletedTask;
    }
}
