using OpenMailserver.Server.Events;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>EXPUNGE, UID EXPUNGE, CLOSE, UNSELECT, COPY, MOVE (with UIDPLUS response codes) and APPEND.</summary>
public sealed partial class ImapSession
{
    private async Task ExpungeAsync(ImapCommand c, ImapResponse r, bool byUid)
    {
        var a = c.Arguments;
        SequenceSet? uids = null;
        if (byUid)
        {
            a.Space();
            uids = a.SequenceSet();
        }
        a.End();
        var selected = Selected!;
        if (selected.ReadOnly)
        {
            r.Tagged(c.Tag, "NO", "[READ-ONLY] The folder is open read-only (EXAMINE)");
            return;
        }
        var doomed = await ExpungeDeletedAsync(selected, uids);
        foreach (var id in doomed) selected.Vanished.Add(id);
        await WriteUpdatesAsync(r, allowExpunge: true);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    private async Task CloseAsync(ImapCommand c, ImapResponse r, bool expunge)
    {
        c.Arguments.End();
        var selected = Selected!;
        if (expunge && !selected.ReadOnly) await ExpungeDeletedAsync(selected, uids: null);
        Selected = null;
        State = SessionState.Authenticated;
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>Removes the messages that are \Deleted in the database at this moment (of those with a UID in
    /// <paramref name="uids"/>, for UID EXPUNGE), whatever this session last saw: a message another session
    /// undeleted stays, one it deleted goes. Returns their ids.</summary>
    private async Task<IReadOnlyList<string>> ExpungeDeletedAsync(SelectedFolder selected, SequenceSet? uids)
    {
        return await _services.Changes.ExpungeAsync(selected.Folder.Id, deleted =>
        {
            var largest = (uint)Math.Max(selected.LargestUid, deleted.Count == 0 ? 0 : deleted[^1].Uid);
            return deleted.Where(m => uids is null || uids.Contains((uint)m.Uid, largest)).Select(m => m.Id);
        });
    }

    /// <summary>COPY and MOVE: the copies get new UIDs in the target in one transaction (MOVE also removes
    /// the originals in it), so a message is never lost nor left in both places by a crash.</summary>
    private async Task CopyAsync(ImapCommand c, ImapResponse r, bool byUid, bool move)
    {
        var a = c.Arguments;
        a.Space();
        var set = a.SequenceSet();
        a.Space();
        var name = FolderName(a);
        a.End();
        var selected = Selected!;
        if (move && selected.ReadOnly)
        {
            r.Tagged(c.Tag, "NO", "[READ-ONLY] The folder is open read-only (EXAMINE)");
            return;
        }
        var target = await FindFolderAsync(name);
        if (target is null)
        {
            r.Tagged(c.Tag, "NO", $"[TRYCREATE] No folder {Shorten(name)}");
            return;
        }
        var sources = selected.Resolve(set, byUid, _lastSearch).Where(t => !selected.Vanished.Contains(t.Message.Id)).Select(t => t.Message).ToList();
        if (!move && await OverQuotaAsync(sources.Count))
        {
            r.Tagged(c.Tag, "NO", OverQuota);
            return;
        }
        if (sources.Count == 0)
        {
            await WriteUpdatesAsync(r, allowExpunge: byUid);
            r.Tagged(c.Tag, "OK", $"{c.Name} completed (no messages)");
            return;
        }

        // The quota is counted again in the write: the check above may have raced another door's delivery.
        var result = await _services.Changes.CopyAsync(User!.Id, selected.Folder.Id, sources.Select(s => s.Id).ToList(), target.Name, move);
        if (result.Refusal != StoreRefusal.None)
        {
            r.Tagged(c.Tag, "NO", result.Refusal == StoreRefusal.OverQuota ? OverQuota : $"[TRYCREATE] No folder {Shorten(name)}");
            return;
        }
        var copies = result.Copies;
        var copyUid = copies.Count == 0 ? "" : $"[COPYUID {result.Destination!.UidValidity} {SequenceSet.Format(copies.Select(x => (uint)x.Source.Uid))} {SequenceSet.Format(copies.Select(x => (uint)x.Copy.Uid))}] ";
        if (move)
        {
            if (copyUid.Length > 0) r.Untagged($"OK {copyUid}Moved");
            foreach (var source in sources) selected.Vanished.Add(source.Id);
            await WriteUpdatesAsync(r, allowExpunge: true);
            r.Tagged(c.Tag, "OK", $"{c.Name} completed");
        }
        else
        {
            await WriteUpdatesAsync(r, allowExpunge: byUid);
            r.Tagged(c.Tag, "OK", $"{copyUid}{c.Name} completed");
        }
    }

    /// <summary>Whether <paramref name="adding"/> more messages would exceed the mailbox's quota (RFC 9208's
    /// OVERQUOTA code says so to the client). Outside a transaction only a quick refusal, before any work;
    /// what decides is the count inside the transaction that stores.</summary>
    private async Task<bool> OverQuotaAsync(int adding) =>
        await _services.Messages.CountInMailboxAsync(User!.Id) + adding > User.Quota;

    private string OverQuota => $"[OVERQUOTA] The mailbox holds at most {User!.Quota} messages";

    /// <summary>APPEND folder [(flags)] ["date-time"] literal: the message is stored durably before OK,
    /// with APPENDUID (UIDPLUS).</summary>
    private async Task AppendAsync(ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.Space();
        var flags = new List<string>();
        if (a.Peek() == '(')
        {
            foreach (var flag in a.FlagList())
                flags.Add(MessageFlags.Canonical(flag) ?? throw new ImapParseException($"{flag} cannot be stored"));
            a.Space();
        }
        var received = _services.Time.GetUtcNow();
        if (a.Peek() == '"')
        {
            var text = a.String("a date-time");
            if (!ImapDateTime.TryParse(text, out received))
                throw new ImapParseException($"\"{text}\" is not a date-time such as \"25-Nov-2026 16:00:00 +0000\"");
            a.Space();
        }
        var content = a.StringMemory("the message literal");
        a.End();

        var folder = await FindFolderAsync(name);
        if (folder is null)
        {
            r.Tagged(c.Tag, "NO", $"[TRYCREATE] No folder {Shorten(name)}");
            return;
        }
        var limit = _services.Options.Value.Limits.MaxMessageBytes;
        if (content.Length > limit)
        {
            r.Tagged(c.Tag, "NO", $"[TOOBIG] The message is larger than the limit of {limit} bytes");
            return;
        }
        if (content.Length == 0)
        {
            r.Tagged(c.Tag, "NO", "An empty message cannot be appended");
            return;
        }
        if (await OverQuotaAsync(1))
        {
            r.Tagged(c.Tag, "NO", OverQuota);
            return;
        }
        var prepared = await _services.Ingest.PrepareAsync(content, ct);
        var stored = await _services.Ingest.StoreAsync(User!.Id, folder.Name, prepared,
            new IngestOptions(MailboxEventType.Received, received.ToUnixTimeMilliseconds(), MessageFlags.Format(flags), EventAt: _services.Time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
        await WriteUpdatesAsync(r, allowExpunge: true);
        switch (stored.Refusal)
        {
            case StoreRefusal.None:
                r.Tagged(c.Tag, "OK", $"[APPENDUID {stored.Folder!.UidValidity} {stored.Message!.Uid}] APPEND completed");
                break;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", $"[TRYCREATE] No folder {Shorten(name)}");
                break;
            case StoreRefusal.OverQuota:
                r.Tagged(c.Tag, "NO", OverQuota);
                break;
            default:
                r.Tagged(c.Tag, "NO", $"The message was not stored: {stored.Reason}");
                break;
        }
    }
}
