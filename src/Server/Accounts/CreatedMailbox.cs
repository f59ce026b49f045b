using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>The result of provisioning: the mailbox with its password and first key, both shown once.</summary>
public sealed record CreatedMailbox(MailboxRecord Mailbox, string Password, IssuedKey ApiKey);
