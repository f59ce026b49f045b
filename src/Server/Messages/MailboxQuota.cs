using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>A mailbox's two quotas, messages and bytes, as every door that adds messages counts them: from the count and
/// the folder sizes the store keeps, inside the caller's write when it gives one.</summary>
public static class MailboxQuota
{
    /// <summary>Whether <paramref name="adding"/> more messages of <paramref name="bytes"/> in all would pass either quota.</summary>
    public static async Task<bool> WouldExceedAsync(this IMessageRepository messages, MailboxRecord mailbox, int adding, long bytes, IUnitOfWork? tx = null) =>
        await messages.CountInMailboxAsync(mailbox.Id, tx) + adding > mailbox.Quota
        || await messages.StorageUsedAsync(mailbox.Id, tx) + bytes > mailbox.StorageQuota;
}
