using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Imap.Ordering;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>THREAD and UID THREAD (RFC 5256 §4) with ORDEREDSUBJECT and REFERENCES: the matches of a search as
/// trees. Subjects, dates and Message-IDs come from the index; REFERENCES also reads each match's References
/// field from its stored header block (which the index does not keep), a batch at a time on every core.</summary>
public sealed class ThreadHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["THREAD", "UID THREAD"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var thread = CommandParser.Thread(c.Arguments, session.Services.Imap.Value.MaxNestingDepth);
        if (thread.UnsupportedCharset is not null)
        {
            r.Tagged(c.Tag, "NO", SearchHandler.BadCharset);
            return;
        }
        var byUid = c.Name == "UID THREAD";
        var selected = session.Selected!;
        var (matches, _) = await SearchHandler.MatchAsync(session, selected, thread.Key, r, ct);
        var byReferences = thread.References ? new ReferencesThreading(matches.Count) : null;
        var bySubject = new List<ThreadNode>();
        var limits = MimeLimits.From(session.Services.Inbound.Value);
        await foreach (var found in SearchHandler.RecordsAsync(session, selected, matches, ct))
        {
            var references = new IReadOnlyList<string>[found.Count];
            if (byReferences is not null)
                await Parallel.ForEachAsync(Enumerable.Range(0, found.Count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                    (i, token) =>
                    {
                        var m = found[i].Record;
                        references[i] = References(session, m.Blob, limits, token) is { Count: > 0 } named ? named : m.InReplyTo.Length > 0 ? [m.InReplyTo] : [];
                        return ValueTask.CompletedTask;
                    });
            for (var i = 0; i < found.Count; i++)
            {
                var (sequence, m) = found[i];
                var number = byUid ? (uint)m.Uid : sequence;
                var subject = BaseSubject.CollationKey(BaseSubject.Of(m.Subject, out var replyOrForward));
                if (byReferences is not null) byReferences.Add(number, SortValues.SentDate(m), subject, replyOrForward, m.MessageIdHeader, references[i]);
                else bySubject.Add(new ThreadNode(number, SortValues.SentDate(m), subject, replyOrForward));
            }
        }
        var roots = byReferences?.Finish() ?? SubjectThreading.Build(bySubject);

        r.Raw("* THREAD");
        if (roots.Count > 0) r.Space();
        await ThreadNode.WriteAsync(r, roots, () => session.WriteAsync(r, ct));
        r.Line();
        await FolderUpdates.WriteAsync(session, r, allowExpunge: byUid);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>The Message-IDs of the References field, oldest first (the nearest <see cref="MessageIndexer.MaxReferences"/>, as the index keeps for threading at delivery); none
    /// when the message file cannot be read.</summary>
    private static IReadOnlyList<string> References(ImapSession session, string blob, MimeLimits limits, CancellationToken ct)
    {
        try
        {
            using var stream = session.Services.Blobs.OpenRead(blob);
            var value = BoundedMime.LoadHeaders(stream, limits, ct)[HeaderId.References];
            return value is null ? [] : MimeUtils.EnumerateReferences(value).TakeLast(MessageIndexer.MaxReferences).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }
}
