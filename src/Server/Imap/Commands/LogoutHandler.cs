using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

public sealed class LogoutHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["LOGOUT"];
    public IReadOnlyList<SessionState> States => AllowedIn.Any;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        r.Untagged("BYE Logging out").Tagged(c.Tag, "OK", "LOGOUT completed");
        session.LogOut();
        return Task.CompletedTask;
    }
}
