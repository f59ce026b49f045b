using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>RFC 9208 QUOTA with the two resources a mailbox is limited in, STORAGE (in units of 1,024 bytes) and MESSAGE:
/// every folder of a mailbox is under one quota root, "", whose usage and limits are the mailbox's size, message count
/// and quotas as stored now (what the REST API and the dashboard show). Quotas are the operator's to set: SETQUOTA is
/// refused.</summary>
public sealed class QuotaHandler : ICommandHandler
{
    /// <summary>The mailbox's one quota root.</summary>
    private const string Root = "";

    public IReadOnlyList<string> Names => ["GETQUOTAROOT", "GETQUOTA", "SETQUOTA"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        switch (c.Name)
        {
            case "GETQUOTAROOT":
                var name = CommandParser.Folder(c.Arguments);
                if (await Folders.ExistingAsync(session, c, r, name) is null) return;
                r.Raw("* QUOTAROOT ").String(session.FolderOnWire(name)).Raw(" \"\"").Line();
                await WriteQuotaAsync(session, r);
                break;
            case "GETQUOTA":
                if (CommandParser.QuotaRoot(c.Arguments) != Root)
                {
                    r.Tagged(c.Tag, "NO", "[NONEXISTENT] The only quota root is \"\"");
                    return;
                }
                await WriteQuotaAsync(session, r);
                break;
            default:
                CommandParser.SetQuota(c.Arguments);
                r.Tagged(c.Tag, "NO", "[NOPERM] Quotas are set by the operator");
                return;
        }
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    private static async Task WriteQuotaAsync(ImapSession session, ImapResponse r)
    {
        var mailbox = await Folders.MailboxAsync(session);
        var messages = session.Services.Messages;
        var (count, bytes) = (await messages.CountInMailboxAsync(session.User!.Id), await messages.StorageUsedAsync(session.User!.Id));
        // Usage rounded up, so a mailbox holding anything uses something; the limit rounded down, so it is never above the real one.
        r.Raw("* QUOTA \"\" (STORAGE ").Number((bytes + 1023) / 1024).Raw(" ").Number((mailbox?.StorageQuota ?? 0) / 1024)
            .Raw(" MESSAGE ").Number(count).Raw(" ").Number(mailbox?.Quota ?? 0).Raw(")").Line();
    }
}
