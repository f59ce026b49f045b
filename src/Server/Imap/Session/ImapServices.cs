using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Net;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>What every IMAP session uses, resolved once and shared.</summary>
public sealed record ImapServices(
    IOptions<ImapOptions> Imap,
    IOptions<LimitsOptions> Limits,
    IOptions<InboundOptions> Inbound,
    IOptions<ServerOptions> Server,
    PasswordLogin Login,
    IMessageRepository Messages,
    IMailboxRepository Mailboxes,
    MessageIngest Ingest,
    BlobStore Blobs,
    MailboxChanges ChangeFeed,
    MessageChanges Changes,
    FolderViews Views,
    TlsCertificateProvider Certificates,
    TimeProvider Time,
    ILogger<ImapSession> Logger,
    [FromKeyedServices(SessionsPerMailbox.Imap)] SessionsPerMailbox MailboxSessions);
