using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>RFC 5161 ENABLE. No extension we offer needs enabling, so nothing is enabled, as the RFC allows.</summary>
public sealed class EnableHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["ENABLE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.Enable(c.Arguments);
        r.Untagged("ENABLED").Tagged(c.Tag, "OK", "ENABLE completed");
        return Task.CompletedTask;
    }
}
