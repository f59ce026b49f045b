using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>NOOP: nothing but the changes to the selected folder since the client was last told.</summary>
public sealed class NoopHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["NOOP"];
    public IReadOnlyList<SessionState> States => AllowedIn.Any;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
