using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>CAPABILITY: what the server offers, which depends on the state and on whether TLS is on.</summary>
public sealed class CapabilityHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["CAPABILITY"];
    public IReadOnlyList<SessionState> States => AllowedIn.Any;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        r.Untagged("CAPABILITY " + List(session)).Tagged(c.Tag, "OK", "CAPABILITY completed");
        return Task.CompletedTask;
    }

    /// <summary>The capability list, also sent in the greeting and with a successful login.</summary>
    public static string List(ImapSession session)
    {
        var caps = new List<string> { "IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "SEARCHRES", "CONDSTORE", "QRESYNC",
            "STATUS=SIZE", $"APPENDLIMIT={session.AppendLimit}", "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "ESEARCH", "BINARY", "MULTIAPPEND",
            "SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES" };
        // After login only, and once (RFC 4978).
        if (session.State != SessionState.NotAuthenticated && !session.IsCompressed) caps.Add("COMPRESS=DEFLATE");
        if (session.State == SessionState.NotAuthenticated)
        {
            if (session.IsSecure) caps.Add("AUTH=PLAIN");
            else
            {
                caps.Add("STARTTLS");
                caps.Add("LOGINDISABLED");
            }
        }
        return string.Join(' ', caps);
    }
}
