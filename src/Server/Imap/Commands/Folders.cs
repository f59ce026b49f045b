using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
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

    /// <summary>The mailbox's quota as stored now: an operator may have changed it since the login (0 once the mailbox is gone).</summary>
    public static async Task<long> QuotaAsync(ImapSession session) => (await session.Services.Mailboxes.FindByIdAsync(session.User!.Id))?.Quota ?? 0;

    /// <summary>RFC 9208's OVERQUOTA, with the mailbox's limit as stored now.</summary>
    public static async Task<string> OverQuotaAsync(ImapSession session) => $"[OVERQUOTA] The mailbox holds at most {await QuotaAsync(session)} messages";

    /// <summary>Whether <paramref name="adding"/> more messages would exceed the mailbox's quota. Outside a
    /// transaction only a quick refusal, before any work; what decides is the count inside the write.</summary>
    public static async Task<bool> WouldExceedQuotaAsync(ImapSession session, int adding) =>
        await session.Services.Messages.CountInMailboxAsync(session.User!.Id) + adding > await QuotaAsync(session);
}
