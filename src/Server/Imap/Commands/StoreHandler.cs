using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT, and CONDSTORE's UNCHANGEDSINCE
/// (RFC 7162 §3.1.3): a message changed after it is left as it is and named in <c>[MODIFIED]</c>.</summary>
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
        if (a.UnchangedSince is not null) session.EnableCondStore(r);
        var flags = new List<string>();
        foreach (var flag in a.Flags)
            flags.Add(MessageFlags.Canonical(flag) ?? throw new ImapParseException($"{flag} cannot be stored"));
        var change = a.Operation switch
        {
            "FLAGS" => FlagChange.Replacing(flags),
            "+FLAGS" => FlagChange.Adding(flags),
            _ => FlagChange.Removing(flags),
        } with { UnchangedSince = a.UnchangedSince };
        var modified = new List<uint>();

        var targets = selected.Resolve(a.Set, byUid, session.LastSearch).Where(t => !selected.Vanished.Contains(t.Uid)).ToList();
        if (targets.Count > 0)
        {
            // Applied to the flags as stored now, not to what the client last saw, so a change made by another
            // session or the API in between is kept.
            var before = await session.Services.Messages.ListEntriesAsync(selected.Folder.Id, targets.Select(t => t.Uid).ToList());
            var update = await session.Services.Changes.ChangeFlagsAsync(selected.Folder.Id, before.Select(e => e.Id).ToList(), change);
            var stored = update.Entries;
            var changed = update.Changed.Select(e => e.Id).ToHashSet();
            foreach (var entry in update.Modified)
                if (selected.SequenceOf(entry.Uid) is > 0 and var sequence) modified.Add(byUid ? (uint)entry.Uid : sequence);
            var expected = before.ToDictionary(e => e.Id, e => change.ApplyTo(e.Flags));
            // Messages another door changed since the client was last told: it does not know their flags yet.
            var untold = before.Where(e => e.ModSeq > selected.Folder.HighestModSeq && !selected.AlreadyShown(e)).Select(e => e.Id).ToHashSet();
            FolderUpdates.WriteNewKeywords(r, selected, stored);
            // Those gone meanwhile are not in stored: reported as EXPUNGE when the client may be told.
            foreach (var now in stored)
            {
                if (selected.SequenceOf(now.Uid) is not (> 0 and var sequence)) continue;
                // .SILENT still reports flags the client cannot know: changed by another door since it was told;
                // and with CONDSTORE the modseq of each message this STORE changed, or passed the UNCHANGEDSINCE test
                // of (RFC 7162 §3.1.3), with its UID, as every FETCH carries once CONDSTORE is on.
                var showFlags = !a.Silent || now.Flags != expected[now.Id] || untold.Contains(now.Id);
                if (showFlags || (session.CondStore && (changed.Contains(now.Id) || a.UnchangedSince is not null)))
                {
                    var items = new List<string>();
                    // IMAP4rev2 has UID in every FETCH the server sends unasked, as a .SILENT STORE's are.
                    if (byUid || session.CondStore || session.Rev2) items.Add($"UID {now.Uid}");
                    if (showFlags) items.Add($"FLAGS ({selected.FlagsOf(now)})");
                    if (session.CondStore) items.Add($"MODSEQ ({now.ModSeq})");
                    r.Raw("* ").Number(sequence).Raw(" FETCH (").Raw(string.Join(' ', items)).Raw(")").Line();
                }
                selected.Showed(now);
            }
        }
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", modified.Count > 0 ? $"[MODIFIED {SequenceSet.Format(modified)}] Conditional {c.Name} failed for some messages" : $"{c.Name} completed");
    }
}
