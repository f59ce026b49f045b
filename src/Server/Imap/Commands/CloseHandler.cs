using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>CLOSE (expunging, unless read-only) and UNSELECT (RFC 3691, not expunging).</summary>
public sealed class CloseHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["CLOSE", "UNSELECT"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        var selected = session.Selected!;
        if (c.Name == "CLOSE" && !selected.ReadOnly) await ExpungeHandler.ExpungeDeletedAsync(session, selected, uids: null);
        session.Unselect();
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
