using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery;

/// <summary>Where an address leads: elsewhere (not a hosted domain), nowhere (a hosted domain without
/// that user), or to these hosted mailboxes.</summary>
public sealed record RecipientResolution(bool IsHostedDomain, IReadOnlyList<MailboxRecord> Mailboxes)
{
    public static readonly RecipientResolution NotHosted = new(false, []);
    public static readonly RecipientResolution Unknown = new(true, []);

    public static RecipientResolution To(IReadOnlyList<MailboxRecord> mailboxes) => new(true, mailboxes);

    public bool IsLocal => Mailboxes.Count > 0;
}
