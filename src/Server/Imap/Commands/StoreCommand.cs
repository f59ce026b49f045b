using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT.</summary>
public sealed partial class ImapSession
{
    private async Task StoreAsync(ImapCommand c, ImapResponse r, bool byUid)
    {
        var a = c.Arguments;
        a.Space();
        var set = a.SequenceSet();
        a.Space();
        var operation = a.Atom("FLAGS, +FLAGS or -FLAGS").ToUpperInvariant();
        var silent = operation.EndsWith(".SILENT", StringComparison.Ordinal);
        if (silent) operation = operation[..^".SILENT".Length];
        if (operation is not ("FLAGS" or "+FLAGS" or "-FLAGS")) throw new ImapParseException($"Unknown STORE operation {operation}");
        a.Space();
        var given = a.FlagList();
        a.End();

        var selected = Selected!;
        if (selected.ReadOnly)
        {
            r.Tagged(c.Tag, "NO", "[READ-ONLY] The folder is open read-only (EXAMINE)");
            return;
        }
        var flags = new List<string>();
        foreach (var flag in given)
            flags.Add(MessageFlags.Canonical(flag) ?? throw new ImapParseException($"{flag} cannot be stored"));
        var change = operation switch
        {
            "FLAGS" => FlagChange.Replacing(flags),
            "+FLAGS" => FlagChange.Adding(flags),
            _ => FlagChange.Removing(flags),
        };

        var targets = selected.Resolve(set, byUid, _lastSearch).Where(t => !selected.Vanished.Contains(t.Message.Id)).ToList();
        if (targets.Count > 0)
        {
            // Applied to the flags as stored now, not to what this session last saw, so a change made by
            // another session or the API in between is kept.
            var ids = targets.Select(t => t.Message.Id).ToList();
            var stored = (await _services.Changes.ChangeFlagsAsync(selected.Folder.Id, ids, change))
                .ToDictionary(e => e.Id);
            WriteNewKeywords(r, selected, stored.Values);
            foreach (var (sequence, entry) in targets)
            {
                // Gone meanwhile: reported as EXPUNGE when the client may be told.
                if (!stored.TryGetValue(entry.Id, out var now)) continue;
                selected.Messages[(int)sequence - 1] = now;
                // .SILENT still reports flags that differ from what the client expects (another door changed them).
                if (silent && now.Flags == change.ApplyTo(entry.Flags)) continue;
                r.Raw("* ").Number(sequence).Raw(" FETCH (").Raw(byUid ? $"UID {now.Uid} " : "").Raw("FLAGS (").Raw(selected.FlagsOf(now)).Raw("))").Line();
            }
        }
        await WriteUpdatesAsync(r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
