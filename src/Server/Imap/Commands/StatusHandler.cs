using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>STATUS: a folder's counts without selecting it (also sent by LIST-STATUS).</summary>
public sealed class StatusHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["STATUS"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var (name, items) = CommandParser.Status(c.Arguments);
        if (items.Contains("HIGHESTMODSEQ")) session.EnableCondStore(r);
        var folder = await Folders.ExistingAsync(session, c, r, name);
        if (folder is null) return;
        await WriteAsync(session, r, folder, items);
        r.Tagged(c.Tag, "OK", "STATUS completed");
    }

    public static async Task WriteAsync(ImapSession session, ImapResponse r, FolderRecord folder, IReadOnlyList<string> items)
    {
        var values = new List<string>();
        foreach (var item in items)
        {
            values.Add(item + " " + item switch
            {
                "MESSAGES" => folder.MessageCount,
                // IMAP4rev2 has no \Recent.
                "RECENT" => session.Rev2 ? 0 : await session.Services.Messages.CountFromUidAsync(folder.Id, folder.FirstRecentUid),
                "UIDNEXT" => folder.UidNext,
                "UIDVALIDITY" => folder.UidValidity,
                "UNSEEN" => folder.UnseenCount,
                "SIZE" => folder.TotalSize,
                "HIGHESTMODSEQ" => folder.HighestModSeq,
                "APPENDLIMIT" => session.AppendLimit,
                // By the index of \Deleted messages: the cost is those, not the folder.
                "DELETED" => await session.Services.Messages.CountWithAsync(folder.Id, IndexedFlag.Deleted),
                // RFC 9208, with QUOTA=RES-STORAGE: what an EXPUNGE would free, in the STORAGE resource's 1,024-byte units.
                "DELETED-STORAGE" => (await session.Services.Messages.DeletedSizeAsync(folder.Id) + 1023) / 1024,
                _ => 0,
            });
        }
        r.Raw("* STATUS ").String(session.FolderOnWire(folder.Name)).Raw(" (").Raw(string.Join(' ', values)).Raw(")").Line();
    }
}
