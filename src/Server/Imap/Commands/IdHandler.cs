using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>RFC 2971 ID: the client says who it is (we log it) and we say who we are.</summary>
public sealed class IdHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["ID"];
    public IReadOnlyList<SessionState> States => AllowedIn.Any;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        if (CommandParser.Id(c.Arguments) is { } given)
        {
            // What a client says of itself is logged short and on one line: it is not ours to trust.
            var id = string.Concat(given.Take(200).Select(ch => char.IsControl(ch) ? ' ' : ch));
            session.Services.Logger.LogInformation("IMAP client from {Remote} identifies as {Id}", session.Remote, id);
        }
        r.Untagged("ID (\"name\" \"Open Mailserver\" \"vendor\" \"Open Mailserver\")").Tagged(c.Tag, "OK", "ID completed");
        return Task.CompletedTask;
    }
}
