using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Storage;

namespace OpenMailserver.Server.Smtp;

/// <summary>MX policy: any sender (the null sender too, for bounces), but only recipients this server
/// hosts. Everything else is refused at RCPT: this listener never relays, whatever the address looks like.</summary>
public sealed class InboundMailboxFilter(
    RecipientResolver resolver, IMailboxRepository mailboxes, IMessageRepository messages, IOptions<LimitsOptions> options) : IMailboxFilter
{
    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxMessageBytes;
        if (size > limit) throw SmtpReplies.TooBig(limit);
        context.StartTransaction(size);
        return Task.FromResult(true);
    }

    public async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRecipientsPerMessage;
        if (context.NextRecipient() > limit) throw SmtpReplies.TooManyRecipients(limit);

        var raw = to.Address();
        if (!EmailAddress.TryParse(raw, out var address))
        {
            // Not an address we could host; saying "relay denied" would not tell the sender more.
            throw raw.Contains('@') && await IsHostedAsync(raw) ? SmtpReplies.BadAddress(raw) : SmtpReplies.RelayDenied(raw);
        }

        var resolution = await resolver.ResolveAsync(address.ToString());
        if (!resolution.IsHostedDomain) throw SmtpReplies.RelayDenied(raw);
        if (!resolution.IsLocal) throw SmtpReplies.NoSuchUser(raw);
        if (resolution.Mailboxes.All(m => !m.IsActive)) throw SmtpReplies.Disabled(raw);
        // Full by count, or by bytes for the size MAIL declared (a mailbox full to the byte takes nothing more): refused here,
        // before the message is sent, and alone, not with the other recipients of the message at the end of DATA.
        foreach (var mailbox in resolution.Mailboxes)
            if (await messages.WouldExceedAsync(mailbox, 1, Math.Max(1, context.DeclaredSize())))
                throw SmtpReplies.MailboxFull(raw);
        return true;
    }

    private async Task<bool> IsHostedAsync(string raw)
    {
        var domain = raw[(raw.LastIndexOf('@') + 1)..];
        return DomainName.TryNormalize(domain, out var normalized) && await mailboxes.DomainExistsAsync(normalized);
    }
}
