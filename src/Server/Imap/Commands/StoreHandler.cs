using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT.</summary>
public sealed class StoreHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["STORE", "UID STORE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = CommandParser.Store(c.Arguments);
        var byUid = c.Name == "UID STORE";
        var selected = session.Selected!;
        if (selected.ReadOnly)
        {
            r.Tagged(c.Tag, "NO", Folders.ReadOnly);
            return;
        }
        var flags = new List<string>();
        foreach (var flag in a.Flags)
            flags.Add(MessageFlags.Canonical(flag) ?? throw new ImapParseException($"{flag} cannot be stored"));
        var change = a.Operation switch
        {
            "FLAGS" => FlagChange.Replacing(flags),
            "+FLAGS" => FlagChange.Adding(flags),
            _ => FlagChange.Removing(flags),
        };

        var targets = selected.Resolve(a.Set, byUid, session.LastSearch).Where(t => !selected.Vanished.Contains(t.Message.Id)).ToList();
        if (targets.Count > 0)
        {
            // Applied to the flags as stored now, not to what this session last saw, so a change made by
            // another session or the API in between is kept.
            var ids = targets.Select(t => t.Message.Id).ToList();
            var stored = (await session.Services.Changes.ChangeFlagsAsync(selected.Folder.Id, ids, change))
                .ToDictionary(e => e.Id);
            FolderUpdates.WriteNewKeywords(r, selected, stored.Values);
            foreach (var (sequence, entry) in targets)
            {
                // Gone meanwhile: reported as EXPUNGE when the client may be told.
                if (!stored.TryGetValue(entry.Id, out var now)) continue;
                selected.Messages[(int)sequence - 1] = now;
                // .SILENT still reports flags that differ from what the client expects (another door changed them).
                if (a.Silent && now.Flags == change.ApplyTo(entry.Flags)) continue;
                r.Raw("* ").Number(sequence).Raw(" FETCH (").Raw(byUid ? $"UID {now.Uid} " : "").Raw("FLAGS (").Raw(selected.FlagsOf(now)).Raw("))").Line();
            }
        }
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
