using OpenMailserver.Server.Events;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>APPEND folder [(flags)] ["date-time"] literal, and MULTIAPPEND's several messages in one command
/// (RFC 3502): stored through the one ingest path, all or none, durably before OK, with APPENDUID (UIDPLUS).
/// A literal8 (RFC 3516) is taken as the message's bytes, but no message holding a NUL: IMAP can send such bytes
/// only in a BINARY response, and every other FETCH would have to, so that is NO [UNKNOWN-CTE], which the RFC
/// gives a server that stores no binary content.</summary>
public sealed class AppendHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["APPEND"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = CommandParser.Append(c.Arguments, session.Services.Imap.Value.MaxAppendMessages);
        var services = session.Services;
        var folder = await Folders.FindAsync(session, a.Folder);
        if (folder is null)
        {
            r.Tagged(c.Tag, "NO", Folders.TryCreate(a.Folder));
            return;
        }
        var limit = session.AppendLimit;
        if (a.Messages.Any(m => m.Content.Length > limit))
        {
            r.Tagged(c.Tag, "NO", $"[TOOBIG] The message is larger than the limit of {limit} bytes");
            return;
        }
        if (a.Messages.Any(m => m.Content.Length == 0))
        {
            r.Tagged(c.Tag, "NO", "An empty message cannot be appended");
            return;
        }
        if (a.Messages.Any(m => m.Content.Span.Contains((byte)0)))
        {
            r.Tagged(c.Tag, "NO", "[UNKNOWN-CTE] A message holding NUL bytes is not stored: send binary content base64-encoded");
            return;
        }
        if (await Folders.WouldExceedQuotaAsync(session, a.Messages.Count, a.Messages.Sum(m => (long)m.Content.Length)))
        {
            r.Tagged(c.Tag, "NO", await Folders.OverQuotaAsync(session));
            return;
        }
        var now = services.Time.GetUtcNow();
        var batch = new List<(PreparedMessage, IngestOptions)>();
        foreach (var message in a.Messages)
            batch.Add((await services.Ingest.PrepareAsync(message.Content, ct),
                new IngestOptions(MailboxEventType.Received, (message.Received ?? now).ToUnixTimeMilliseconds(), MessageFlags.Format(message.Flags),
                    EventAt: now.ToUnixTimeMilliseconds())));
        var stored = await services.Ingest.StoreAllAsync(session.User!.Id, folder.Name, batch, ct);
        await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
        switch (stored[0].Refusal)
        {
            case StoreRefusal.None:
                var uids = SequenceSet.Format(stored.Select(s => (uint)s.Message!.Uid));
                r.Tagged(c.Tag, "OK", $"[APPENDUID {stored[0].Folder!.UidValidity} {uids}] APPEND completed");
                break;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", Folders.TryCreate(a.Folder));
                break;
            case StoreRefusal.OverQuota:
                r.Tagged(c.Tag, "NO", await Folders.OverQuotaAsync(session));
                break;
            default:
                r.Tagged(c.Tag, "NO", $"{(a.Messages.Count == 1 ? "The message was" : "None of the messages were")} not stored: {stored[0].Reason}");
                break;
        }
    }
}
