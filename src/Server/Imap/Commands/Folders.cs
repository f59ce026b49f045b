using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>Folder lookups and the replies that go with them, shared by the handlers that name a folder.</summary>
public static class Folders
{
    public static Task<FolderRecord?> FindAsync(ImapSession session, string name) =>
        session.Services.Messages.FindFolderAsync(session.User!.Id, name);

    /// <summary>The named folder, or null after answering NO [NONEXISTENT].</summary>
    public static async Task<FolderRecord?> ExistingAsync(ImapSession session, ImapCommand c, ImapResponse r, string name)
    {
        var folder = await FindAsync(session, name);
        if (folder is null) r.Tagged(c.Tag, "NO", NonExistent(name));
        return folder;
    }

    public static string NonExistent(string name) => $"[NONEXISTENT] No folder {name.Shorten()}";

    public static string TryCreate(string name) => $"[TRYCREATE] No folder {name.Shorten()}";

    public const string ReadOnly = "[READ-ONLY] The folder is open read-only (EXAMINE)";

    /// <summary>The mailbox as stored now: an operator may have changed its quotas since the login (null once it is gone).</summary>
    public static Task<MailboxRecord?> MailboxAsync(ImapSession session) => session.Services.Mailboxes.FindByIdAsync(session.User!.Id);

    /// <summary>RFC 9208's OVERQUOTA, with the mailbox's limits as stored now.</summary>
    public static async Task<string> OverQuotaAsync(ImapSession session) =>
        await MailboxAsync(session) is { } mailbox
            ? $"[OVERQUOTA] The mailbox holds at most {mailbox.Quota} messages and {mailbox.StorageQuota} bytes"
            : "[OVERQUOTA] The mailbox no longer exists";

    /// <summary>Whether <paramref name="adding"/> more messages of <paramref name="bytes"/> in all would exceed a quota of
    /// the mailbox. Outside a transaction only a quick refusal, before any work; what decides is the count inside the write.</summary>
    public static async Task<bool> WouldExceedQuotaAsync(ImapSession session, int adding, long bytes) =>
        await MailboxAsync(session) is not { } mailbox || await session.Services.Messages.WouldExceedAsync(mailbox, adding, bytes);
}
