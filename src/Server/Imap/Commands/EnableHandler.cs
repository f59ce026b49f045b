using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>RFC 5161 ENABLE: CONDSTORE and QRESYNC (RFC 7162, QRESYNC bringing CONDSTORE with it) and IMAP4rev2
/// (RFC 9051); ENABLED names those this command turned on. Any other name is passed over, as the RFC asks.</summary>
public sealed class EnableHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["ENABLE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var enabled = new List<string>();
        foreach (var name in CommandParser.Enable(c.Arguments).Select(n => n.ToUpperInvariant()).Distinct())
        {
            if (name == "CONDSTORE" && !session.CondStore) session.EnableCondStore(r);
            else if (name == "QRESYNC" && !session.QResync) session.EnableQResync(r);
            else if (name == "IMAP4REV2" && !session.Rev2) session.EnableRev2();
            else continue;
            enabled.Add(name == "IMAP4REV2" ? "IMAP4rev2" : name);
        }
        r.Untagged("ENABLED" + string.Concat(enabled.Select(n => " " + n))).Tagged(c.Tag, "OK", "ENABLE completed");
        return Task.CompletedTask;
    }
}
