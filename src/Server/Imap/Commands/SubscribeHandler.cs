using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

public sealed class SubscribeHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["SUBSCRIBE", "UNSUBSCRIBE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var name = CommandParser.Folder(c.Arguments);
        var subscribe = c.Name == "SUBSCRIBE";
        // A name can be unsubscribed after its folder is gone (LIST shows it \NonExistent until then).
        if (subscribe && await Folders.ExistingAsync(session, c, r, name) is null) return;
        await session.Services.Changes.SetSubscribedAsync(session.User!.Id, name, subscribe);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
