using MimeKit;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5): every data item, BODY[section]&lt;partial&gt; from the
/// stored bytes, and \Seen set by non-PEEK body fetches in a read-write folder.</summary>
public sealed partial class ImapSession
{
    private async Task FetchAsync(ImapCommand c, ImapResponse r, bool byUid, CancellationToken ct)
    {
        var a = c.Arguments;
        a.Space();
        var set = a.SequenceSet();
        a.Space();
        var items = FetchParser.Parse(a);
        a.End();
        if (byUid && items.All(i => i.Kind != FetchKind.Uid)) items.Insert(0, FetchItem.Simple(FetchKind.Uid));

        var selected = Selected!;
        var targets = selected.Resolve(set, byUid, _lastSearch);
        var needsContent = items.Any(i => i.Kind is FetchKind.Body or FetchKind.BodyStructure or FetchKind.Section
            or FetchKind.Rfc822 or FetchKind.Rfc822Header or FetchKind.Rfc822Text);
        // ENVELOPE alone needs only the header block, not the whole message parsed.
        var needsHeaders = !needsContent && items.Any(i => i.Kind == FetchKind.Envelope);
        var setsSeen = !selected.ReadOnly && items.Any(i => i.SetsSeen);
        var seenChanges = new List<(string Id, string Flags)>();

        foreach (var (sequence, entry) in targets)
        {
            if (selected.Vanished.Contains(entry.Id)) continue;
            MessageStructure? structure = null;
            HeaderList? headers = null;
            if (needsHeaders)
            {
                try
                {
                    await using var stream = _services.Blobs.OpenRead(entry.Blob);
                    headers = BoundedMime.LoadHeaders(stream, MimeLimits.From(_services.Options.Value.Inbound), ct);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }
            }
            if (needsContent)
            {
                byte[] raw;
                try
                {
                    raw = await _services.Blobs.ReadAsync(entry.Blob, ct);
                }
                catch (FileNotFoundException)
                {
                    continue;
                }
                structure = MessageStructure.Parse(raw);
            }

            var flags = entry.Flags;
            var addSeen = setsSeen && !entry.FlagSet.Contains(MessageFlags.Seen);
            if (addSeen)
            {
                flags = MessageFlags.Format(entry.FlagSet.Append(MessageFlags.Seen));
                seenChanges.Add((entry.Id, flags));
                selected.Messages[(int)sequence - 1] = entry with { Flags = flags };
            }

            r.Raw("* ").Number(sequence).Raw(" FETCH (");
            var first = true;
            foreach (var item in items)
            {
                if (!first) r.Space();
                first = false;
                WriteItem(r, item, entry, flags, structure, headers);
            }
            if (addSeen && items.All(i => i.Kind != FetchKind.Flags)) r.Raw(" FLAGS (").Raw(flags).Raw(")");
            r.Raw(")").Line();
            if (r.Length > 256 * 1024) await WriteAsync(r, ct);
        }

        if (seenChanges.Count > 0)
        {
            await _services.Database.WriteAsync(tx => _services.Messages.SetFlagsAsync(tx, selected.Folder.Id, seenChanges));
            _services.Changes.Notify(User!.Id);
        }
        await WriteUpdatesAsync(r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    private static void WriteItem(ImapResponse r, FetchItem item, MessageEntry entry, string flags, MessageStructure? structure, HeaderList? headers)
    {
        r.Raw(item.ResponseName).Space();
        switch (item.Kind)
        {
            case FetchKind.Uid: r.Number(entry.Uid); break;
            case FetchKind.Flags: r.Raw("(").Raw(flags).Raw(")"); break;
            case FetchKind.InternalDate:
                r.Raw("\"").Raw(ImapDateTime.Format(DateTimeOffset.FromUnixTimeMilliseconds(entry.ReceivedAt))).Raw("\"");
                break;
            case FetchKind.Rfc822Size: r.Number(entry.Size); break;
            case FetchKind.Envelope: MessageStructure.WriteEnvelope(r, headers ?? structure!.Message.Headers); break;
            case FetchKind.Body: structure!.WriteBodyStructure(r, extended: false); break;
            case FetchKind.BodyStructure: structure!.WriteBodyStructure(r, extended: true); break;
            case FetchKind.Rfc822: r.Literal(structure!.Raw); break;
            case FetchKind.Rfc822Header: r.Literal(structure!.Header); break;
            case FetchKind.Rfc822Text: r.Literal(structure!.Text); break;
            case FetchKind.Section:
                var bytes = structure!.Section(item.Path, item.Specifier, item.Fields);
                if (bytes is null)
                {
                    // A part that does not exist reads as empty (as Dovecot and Cyrus answer).
                    r.Raw("\"\"");
                    break;
                }
                if (item.PartialStart is { } start)
                {
                    var from = (int)Math.Min(start, bytes.Length);
                    var length = (int)Math.Min(item.PartialLength!.Value, bytes.Length - from);
                    r.Literal(bytes.AsSpan(from, length));
                }
                else r.Literal(bytes);
                break;
        }
    }
}
