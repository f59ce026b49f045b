using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Commands;

public sealed class CreateHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["CREATE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var name = CommandParser.Folder(c.Arguments);
        if (await session.Services.Changes.CreateFolderAsync(session.User!.Id, name) == StoreRefusal.FolderExists)
        {
            r.Tagged(c.Tag, "NO", $"[ALREADYEXISTS] {name.Shorten()} already exists");
            return;
        }
        r.Tagged(c.Tag, "OK", "CREATE completed");
    }
}
