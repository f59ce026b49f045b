using MimeKit;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>FETCH and UID FETCH (RFC 3501 §6.4.5): every data item, BODY[section]&lt;partial&gt; from the
/// stored bytes, and \Seen set by non-PEEK body fetches in a read-write folder. The response goes out as it
/// is made: each message's line when it is complete, and each large literal straight from the stored
/// message, so asking for the same body many times costs socket time, not memory. CONDSTORE's MODSEQ item and
/// CHANGEDSINCE modifier, and QRESYNC's VANISHED modifier (RFC 7162) read the changes since a modseq, not the folder.
/// BINARY[part], BINARY.PEEK and BINARY.SIZE (RFC 3516) give a part with its transfer encoding undone.</summary>
public sealed class FetchHandler : ICommandHandler
{
    /// <summary>Literals at least this long are written to the socket directly instead of being buffered.</summary>
    private const int StreamedLiteralBytes = 16 * 1024;

    /// <summary>How many messages' stored structures one query reads: at most this many times
    /// <see cref="MimeTree.MaxStoredBytes"/> held at once.</summary>
    private const int StructureBatch = 50;

    /// <summary>How many messages one read brings when no structure is needed (FLAGS, UID, sizes, dates).</summary>
    private const int EntryBatch = 500;

    public IReadOnlyList<string> Names => ["FETCH", "UID FETCH"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var services = session.Services;
        var imap = services.Imap.Value;
        var (set, items, changedSince, vanished) = CommandParser.Fetch(c.Arguments, imap.MaxFetchItems, imap.MaxNestingDepth);
        var byUid = c.Name == "UID FETCH";
        if (vanished && !(byUid && session.QResync)) throw new ImapParseException("VANISHED is for UID FETCH once QRESYNC is enabled");
        if (byUid && items.All(i => i.Kind != FetchKind.Uid)) items.Insert(0, FetchItem.Simple(FetchKind.Uid));
        if (changedSince is not null && items.All(i => i.Kind != FetchKind.ModSeq)) items.Add(FetchItem.Simple(FetchKind.ModSeq));
        if (items.Any(i => i.Kind == FetchKind.ModSeq)) session.EnableCondStore(r);

        var selected = session.Selected!;
        List<(uint Sequence, uint Uid)> targets;
        if (changedSince is { } since)
        {
            // The changes since, in the set: the cost is the changes, not the set.
            var largest = byUid ? selected.LargestUid : selected.Count;
            bool InSet(uint number, uint uid, uint star) => set.IsSearchResult ? session.LastSearch.Contains(uid) : set.Contains(number, star);
            if (vanished)
                await QuickResync.WriteVanishedAsync(session, r, (await services.Messages.ListExpungedSinceAsync(selected.Folder.Id, since))
                    .Where(uid => selected.SequenceOf(uid) == 0 && InSet((uint)uid, (uint)uid, Math.Max(largest, (uint)uid))), earlier: true, ct);
            targets = [];
            await foreach (var changed in QuickResync.ChangedSinceAsync(session, selected.Folder.Id, since))
                foreach (var entry in changed)
                    if (selected.SequenceOf(entry.Uid) is > 0 and var sequence && InSet(byUid ? (uint)entry.Uid : sequence, (uint)entry.Uid, largest))
                        targets.Add((sequence, (uint)entry.Uid));
        }
        else targets = selected.Resolve(set, byUid, session.LastSearch);
        // Sections and RFC822 need the message itself; ENVELOPE, BODY and BODYSTRUCTURE come from the structure
        // stored with it, and a message without one is parsed as before.
        var needsMessage = items.Any(i => i.Kind is FetchKind.Section or FetchKind.Rfc822 or FetchKind.Rfc822Header or FetchKind.Rfc822Text
            or FetchKind.Binary or FetchKind.BinarySize);
        var needsBodyStructure = items.Any(i => i.Kind is FetchKind.Body or FetchKind.BodyStructure);
        var needsTree = needsBodyStructure || items.Any(i => i.Kind == FetchKind.Envelope);
        var setsSeen = !selected.ReadOnly && items.Any(i => i.SetsSeen);
        var showsFlags = items.Any(i => i.Kind == FetchKind.Flags);
        // Messages this FETCH marks \Seen, with the flags it showed them with.
        var seen = new Dictionary<string, string>();
        var gone = false;
        string? undecodable = null;

        foreach (var chunk in targets.Chunk(needsTree ? StructureBatch : EntryBatch))
        {
            if (undecodable is not null) break;
            // The messages as stored now (one expunged meanwhile is not found, and is passed over until the
            // client may be told), with their flags, which a new keyword among is announced before.
            var entries = await services.Messages.ListEntriesAsync(selected.Folder.Id, chunk.Select(t => t.Uid).ToList());
            gone |= entries.Count < chunk.Length;
            FolderUpdates.WriteNewKeywords(r, selected, entries);
            var stored = needsTree && !needsMessage ? await services.Messages.ReadStructuresAsync(entries.Select(e => e.Id).ToList()) : null;
            foreach (var entry in entries)
            {
                var sequence = selected.SequenceOf(entry.Uid);
                MessageStructure? structure = null;
                var tree = stored is not null ? MimeTree.FromBytes(stored.GetValueOrDefault(entry.Id)) : null;
                var envelope = tree?.Envelope;
                if (needsMessage || (needsBodyStructure && tree is null))
                {
                    byte[] raw;
                    try
                    {
                        raw = await services.Blobs.ReadAsync(entry.Blob, ct);
                    }
                    catch (FileNotFoundException)
                    {
                        continue;
                    }
                    structure = MessageStructure.Parse(raw);
                    if (needsTree)
                    {
                        tree = structure.Tree(imap.MaxNestingDepth);
                        envelope = tree.Envelope;
                    }
                }
                else if (needsTree && tree is null)
                {
                    // ENVELOPE alone, of a message without a stored structure, needs only the header block.
                    try
                    {
                        await using var stream = services.Blobs.OpenRead(entry.Blob);
                        envelope = EnvelopeHeaders.Of(BoundedMime.LoadHeaders(stream, MimeLimits.From(services.Inbound.Value), ct));
                    }
                    catch (FileNotFoundException)
                    {
                        continue;
                    }
                    catch (FormatException)
                    {
                        // Bytes that do not begin with a header field: a message without any (see BoundedMime.Load).
                        envelope = EnvelopeHeaders.Of([]);
                    }
                }

                // BINARY's decoded parts first: a part this server cannot decode ends the command before its line starts
                // (the messages before it keep what they were shown). The structure decodes each part once.
                var decoded = new Dictionary<string, ReadOnlyMemory<byte>?>();
                foreach (var item in items.Where(i => i.Kind is FetchKind.Binary or FetchKind.BinarySize))
                {
                    if (decoded.ContainsKey(item.SectionText)) continue;
                    decoded[item.SectionText] = structure!.Binary(item.Path, out var unknownEncoding);
                    if (unknownEncoding) undecodable ??= $"Part {item.SectionText} of message {sequence} has a Content-Transfer-Encoding this server cannot decode";
                }
                if (undecodable is not null) break;

                var flags = entry.Flags;
                var addSeen = setsSeen && !entry.FlagSet.Contains(MessageFlags.Seen);
                if (addSeen)
                {
                    flags = MessageFlags.Format(entry.FlagSet.Append(MessageFlags.Seen));
                    seen[entry.Id] = flags;
                }
                else if (showsFlags) selected.Showed(entry);
                var shown = selected.FlagsOf(entry with { Flags = flags });

                r.Raw("* ").Number(sequence).Raw(" FETCH (");
                var first = true;
                foreach (var item in items)
                {
                    if (!first) r.Space();
                    first = false;
                    await WriteItemAsync(session, r, item, entry, shown, structure, tree, envelope, decoded.GetValueOrDefault(item.SectionText), ct);
                }
                if (addSeen && items.All(i => i.Kind != FetchKind.Flags)) r.Raw(" FLAGS (").Raw(shown).Raw(")");
                r.Raw(")").Line();
                if (r.Length > ImapSession.ResponseFlushBytes) await session.WriteAsync(r, ct);
            }
        }

        if (seen.Count > 0)
        {
            // Added to the flags as stored, so a change another door made meanwhile is kept (and reported below).
            foreach (var now in (await services.Changes.ChangeFlagsAsync(selected.Folder.Id, seen.Keys, FlagChange.Adding(MessageFlags.Seen))).Entries)
                // With CONDSTORE the client still needs the new modseq: the update below tells it.
                if (now.Flags == seen[now.Id] && !session.CondStore) selected.Showed(now);
        }
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        // Messages expunged by another session before this one may say so have no data left to show: the client
        // gets the others, and the response code of RFC 5530 tells it to look (RFC 2180 §4.1.3).
        if (undecodable is not null) r.Tagged(c.Tag, "NO", $"[UNKNOWN-CTE] {undecodable}");
        else r.Tagged(c.Tag, "OK", gone ? $"[EXPUNGEISSUED] {c.Name} completed; some messages were expunged" : $"{c.Name} completed");
    }

    private static async Task WriteItemAsync(ImapSession session, ImapResponse r, FetchItem item, MessageEntry entry, string flags,
        MessageStructure? structure, MimeTree? tree, EnvelopeHeaders? envelope, ReadOnlyMemory<byte>? decoded, CancellationToken ct)
    {
        var maxDepth = session.Services.Imap.Value.MaxNestingDepth;
        r.Raw(item.ResponseName).Space();
        switch (item.Kind)
        {
            case FetchKind.Uid: r.Number(entry.Uid); break;
            case FetchKind.Flags: r.Raw("(").Raw(flags).Raw(")"); break;
            case FetchKind.InternalDate:
                r.Raw("\"").Raw(ImapDateTime.Format(DateTimeOffset.FromUnixTimeMilliseconds(entry.ReceivedAt))).Raw("\"");
                break;
            case FetchKind.Rfc822Size: r.Number(entry.Size); break;
            case FetchKind.ModSeq: r.Raw("(").Number(entry.ModSeq).Raw(")"); break;
            case FetchKind.Envelope: BodyStructureWriter.WriteEnvelope(r, envelope!); break;
            case FetchKind.Body: BodyStructureWriter.Write(r, tree!, extended: false, maxDepth); break;
            case FetchKind.BodyStructure: BodyStructureWriter.Write(r, tree!, extended: true, maxDepth); break;
            case FetchKind.Rfc822: await WriteLiteralAsync(session, r, structure!.Raw, ct); break;
            case FetchKind.Rfc822Header: await WriteLiteralAsync(session, r, structure!.Header, ct); break;
            case FetchKind.Rfc822Text: await WriteLiteralAsync(session, r, structure!.Text, ct); break;
            case FetchKind.Section or FetchKind.Binary:
                var bytes = item.Kind == FetchKind.Section ? structure!.Section(item.Path, item.Specifier, item.Fields) : decoded;
                if (bytes is not { } content)
                {
                    // A part that does not exist reads as empty (as Dovecot and Cyrus answer).
                    r.Raw("\"\"");
                    break;
                }
                if (item.PartialStart is { } start)
                {
                    var from = (int)Math.Min(start, content.Length);
                    var length = (int)Math.Min(item.PartialLength!.Value, content.Length - from);
                    content = content.Slice(from, length);
                }
                // Decoded content holding a NUL goes as a literal8 (RFC 3516 §4.2).
                await WriteLiteralAsync(session, r, content, ct, binary: item.Kind == FetchKind.Binary && content.Span.Contains((byte)0));
                break;
            case FetchKind.BinarySize: r.Number(decoded?.Length ?? 0); break;
        }
    }

    /// <summary>A literal: buffered when small; when large, what is buffered goes out first and the bytes
    /// follow straight from the stored message.</summary>
    private static async Task WriteLiteralAsync(ImapSession session, ImapResponse r, ReadOnlyMemory<byte> bytes, CancellationToken ct, bool binary = false)
    {
        if (binary) r.Raw("~");
        if (bytes.Length < StreamedLiteralBytes)
        {
            r.Literal(bytes.Span);
            return;
        }
        r.Raw("{").Number(bytes.Length).Raw("}\r\n");
        await session.WriteAsync(r, ct);
        await session.WriteBytesAsync(bytes, ct);
    }
}
