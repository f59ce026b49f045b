using OpenMailserver.Server.Events;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>APPEND folder [(flags)] ["date-time"] literal: stored through the one ingest path, durably
/// before OK, with APPENDUID (UIDPLUS).</summary>
public sealed class AppendHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["APPEND"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = CommandParser.Append(c.Arguments);
        var services = session.Services;
        var folder = await Folders.FindAsync(session, a.Folder);
        if (folder is null)
        {
            r.Tagged(c.Tag, "NO", Folders.TryCreate(a.Folder));
            return;
        }
        var limit = session.AppendLimit;
        if (a.Content.Length > limit)
        {
            r.Tagged(c.Tag, "NO", $"[TOOBIG] The message is larger than the limit of {limit} bytes");
            return;
        }
        if (a.Content.Length == 0)
        {
            r.Tagged(c.Tag, "NO", "An empty message cannot be appended");
            return;
        }
        if (await Folders.WouldExceedQuotaAsync(session, 1))
        {
            r.Tagged(c.Tag, "NO", await Folders.OverQuotaAsync(session));
            return;
        }
        var now = services.Time.GetUtcNow();
        var prepared = await services.Ingest.PrepareAsync(a.Content, ct);
        var stored = await services.Ingest.StoreAsync(session.User!.Id, folder.Name, prepared,
            new IngestOptions(MailboxEventType.Received, (a.Received ?? now).ToUnixTimeMilliseconds(), MessageFlags.Format(a.Flags), EventAt: now.ToUnixTimeMilliseconds()), ct);
        await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
        switch (stored.Refusal)
        {
            case StoreRefusal.None:
                r.Tagged(c.Tag, "OK", $"[APPENDUID {stored.Folder!.UidValidity} {stored.Message!.Uid}] APPEND completed");
                break;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", Folders.TryCreate(a.Folder));
                break;
            case StoreRefusal.OverQuota:
                r.Tagged(c.Tag, "NO", await Folders.OverQuotaAsync(session));
                break;
            default:
                r.Tagged(c.Tag, "NO", $"The message was not stored: {stored.Reason}");
                break;
        }
    }
}
