using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>RFC 2342 NAMESPACE: one personal namespace with '/' as the delimiter, none shared.</summary>
public sealed class NamespaceHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["NAMESPACE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        r.Untagged("NAMESPACE ((\"\" \"/\")) NIL NIL").Tagged(c.Tag, "OK", "NAMESPACE completed");
        return Task.CompletedTask;
    }
}
