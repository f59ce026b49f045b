using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>The latest UID list of each folder that sessions opened, shared by all of them: opening a folder
/// that was opened before costs the arrivals and removals since (read by index from their modseq), not a read
/// of every UID, and the sessions of one folder share the chunks of the list none of them changed. Bounded:
/// the folders opened longest ago are forgotten first once the lists together pass
/// <see cref="MaxUids"/> UIDs.</summary>
public sealed class FolderViews(IMessageRepository messages)
{
    /// <summary>16 million UIDs, 64 MB: sixteen one-million-message folders kept open at once.</summary>
    internal const long MaxUids = 16_000_000;

    /// <summary>What a view costs beyond its UIDs, counted in UIDs, so many small folders are bounded too.</summary>
    private const long ViewOverhead = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, LinkedListNode<View>> _views = [];
    private readonly LinkedList<View> _byUse = [];
    private long _held;

    /// <param name="ModSeq">The folder's modseq before the list was read: the list holds every change up to it
    /// (and perhaps some after, which reapplying leaves as they are).</param>
    private sealed record View(long FolderId, long MailboxId, long UidValidity, long ModSeq, UidList Uids)
    {
        public long Cost => Uids.Count + ViewOverhead;
    }

    /// <summary>The folder's UIDs as of <paramref name="folder"/> (just read) or later, and the modseq they
    /// hold every change up to, at least the folder's.</summary>
    public async Task<(UidList Uids, long ModSeq)> OpenAsync(FolderRecord folder)
    {
        var known = Find(folder);
        if (known is not null && known.ModSeq >= folder.HighestModSeq) return (known.Uids, known.ModSeq);
        UidList uids;
        if (known is null) uids = UidList.From(await messages.ListUidsAsync(folder.Id));
        else
        {
            // Removals first: what arrived since is above every UID the list had, and stays.
            var removed = (await messages.ListExpungedSinceAsync(folder.Id, known.ModSeq)).Select(uid => (uint)uid).ToHashSet();
            uids = known.Uids.Remove(removed).Append(await messages.ListUidsAsync(folder.Id, after: known.Uids.Last));
        }
        Keep(new View(folder.Id, folder.MailboxId, folder.UidValidity, folder.HighestModSeq, uids));
        return (uids, folder.HighestModSeq);
    }

    private View? Find(FolderRecord folder)
    {
        lock (_gate)
        {
            // A folder deleted and made again may take the same id, also in another mailbox, where UIDVALIDITY
            // may repeat: the view must be of this mailbox, with this UIDVALIDITY, and below the next UID.
            if (!_views.TryGetValue(folder.Id, out var node)) return null;
            var view = node.Value;
            if (view.MailboxId != folder.MailboxId || view.UidValidity != folder.UidValidity || view.Uids.Last >= folder.UidNext)
            {
                Forget(node);
                return null;
            }
            _byUse.Remove(node);
            _byUse.AddFirst(node);
            return view;
        }
    }

    private void Keep(View view)
    {
        lock (_gate)
        {
            if (_views.TryGetValue(view.FolderId, out var old))
            {
                // Another session may have stored a later one meanwhile.
                if (old.Value.MailboxId == view.MailboxId && old.Value.UidValidity == view.UidValidity && old.Value.ModSeq >= view.ModSeq) return;
                Forget(old);
            }
            _views[view.FolderId] = _byUse.AddFirst(view);
            _held += view.Cost;
            while (_held > MaxUids && _byUse.Last is { } oldest && oldest.Value != view) Forget(oldest);
        }
    }

    private void Forget(LinkedListNode<View> node)
    {
        _byUse.Remove(node);
        _views.Remove(node.Value.FolderId);
        _held -= node.Value.Cost;
    }
}
