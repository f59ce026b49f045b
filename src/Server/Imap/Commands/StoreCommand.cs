using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

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

        var changes = new List<(string Id, string Flags)>();
        var targets = selected.Resolve(set, byUid, _lastSearch).Where(t => !selected.Vanished.Contains(t.Message.Id)).ToList();
        foreach (var (sequence, entry) in targets)
        {
            var current = entry.FlagSet;
            IEnumerable<string> updated = operation switch
            {
                "FLAGS" => flags,
                "+FLAGS" => current.Concat(flags),
                _ => current.Where(f => !flags.Contains(f, StringComparer.OrdinalIgnoreCase)),
            };
            var text = MessageFlags.Format(updated);
            if (text != entry.Flags) changes.Add((entry.Id, text));
            selected.Messages[(int)sequence - 1] = entry with { Flags = text };
            if (!silent) r.Raw("* ").Number(sequence).Raw(" FETCH (").Raw(byUid ? $"UID {entry.Uid} " : "").Raw("FLAGS (").Raw(text).Raw("))").Line();
        }
        if (changes.Count > 0)
        {
            await _services.Database.WriteAsync(tx => _services.Messages.SetFlagsAsync(tx, selected.Folder.Id, changes));
            _services.Changes.Notify(User!.Id);
        }
        await WriteUpdatesAsync(r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }
}
