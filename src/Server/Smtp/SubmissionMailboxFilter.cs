using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Submission;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace OpenMailserver.Server.Smtp;

/// <summary>Submission policy: MAIL FROM must be the authenticated mailbox or one of its aliases; any
/// well-formed recipient is accepted (this is what authenticated submission is for), up to the limit.</summary>
public sealed class SubmissionMailboxFilter(SenderPolicy senders, IOptions<LimitsOptions> options) : IMailboxFilter
{
    public async Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        var mailbox = context.Mailbox() ?? throw SmtpReplies.Refuse(SmtpReplyCode.AuthenticationRequired, "5.7.0 Authentication required");
        var limit = options.Value.MaxMessageBytes;
        if (size > limit) throw SmtpReplies.TooBig(limit);
        var raw = from.Address();
        if (!EmailAddress.TryParse(raw, out var sender)) throw SmtpReplies.SenderNotOwned(raw);
        try
        {
            await senders.AuthorizeAsync(mailbox.Id, sender);
        }
        catch (MailServerException)
        {
            throw SmtpReplies.SenderNotOwned(raw);
        }
        context.StartTransaction(0);
        return true;
    }

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRecipientsPerMessage;
        if (context.NextRecipient() > limit) throw SmtpReplies.TooManyRecipients(limit);
        var raw = to.Address();
        if (!EmailAddress.TryParse(raw, out _)) throw SmtpReplies.BadAddress(raw);
        return Task.FromResult(true);
    }
}
