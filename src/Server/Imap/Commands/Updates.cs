using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>Tells the client what changed in its selected folder since it was last told: new messages
/// (EXISTS), removed ones (EXPUNGE, only where RFC 3501 §7.4.1 allows it) and flag changes (FETCH FLAGS),
/// whichever door made the change.</summary>
public sealed partial class ImapSession
{
    private async Task WriteUpdatesAsync(ImapResponse r, bool allowExpunge)
    {
        if (Selected is not { } selected) return;
        var folder = await _services.Messages.FindFolderAsync(User!.Id, selected.Folder.Name);
        if (folder is null || folder.Id != selected.Folder.Id)
        {
            // Deleted (or replaced) under us: nothing more can be reported; the client sees the folder empty.
            return;
        }
        if (folder.HighestModSeq == selected.Folder.HighestModSeq && selected.Vanished.Count == 0) return;

        var current = await _services.Messages.ListEntriesAsync(folder.Id);
        var byId = current.ToDictionary(e => e.Id);
        foreach (var gone in selected.Messages.Where(m => !byId.ContainsKey(m.Id))) selected.Vanished.Add(gone.Id);

        if (allowExpunge && selected.Vanished.Count > 0)
        {
            // Highest first, so each number is right when the client reads it.
            for (var i = selected.Messages.Count - 1; i >= 0; i--)
            {
                if (!selected.Vanished.Contains(selected.Messages[i].Id)) continue;
                r.Untagged($"{i + 1} EXPUNGE");
                selected.Messages.RemoveAt(i);
            }
            selected.Vanished.Clear();
        }

        for (var i = 0; i < selected.Messages.Count; i++)
        {
            var known = selected.Messages[i];
            if (!byId.TryGetValue(known.Id, out var now) || now.Flags == known.Flags) continue;
            selected.Messages[i] = now;
            r.Untagged($"{i + 1} FETCH (UID {now.Uid} FLAGS ({now.Flags}))");
        }

        var largest = selected.Messages.Count == 0 ? 0 : selected.Messages.Max(m => m.Uid);
        var added = current.Where(e => e.Uid > largest).ToList();
        if (added.Count > 0)
        {
            selected.Messages.AddRange(added);
            r.Untagged($"{selected.Messages.Count} EXISTS");
        }
        selected.Folder = folder;
    }
}
