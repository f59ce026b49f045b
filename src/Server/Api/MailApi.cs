using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Submission;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class MailApi(
    MessageComposer composer, SenderPolicy senders, SubmissionPipeline pipeline, IOutboundRepository outbound) : V1.Mail.MailBase
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    [RequiresScope(Scopes.MailSend)]
    public override async Task<OutboundMessage> SendMail(SendMailRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Sender))
            throw new MailServerException(ErrorKind.InvalidArgument, "sender is required: the address to send from.");
        if (request.Recipients.Count == 0)
            throw new MailServerException(ErrorKind.InvalidArgument, "recipients must name at least one address.");
        var composition = new Composition(
            From: EmailAddress.Parse(request.Sender, "sender"),
            To: request.Recipients.Select(r => EmailAddress.Parse(r, "recipients")).ToList(),
            Cc: request.Cc.Select(r => EmailAddress.Parse(r, "cc")).ToList(),
            Bcc: request.Bcc.Select(r => EmailAddress.Parse(r, "bcc")).ToList(),
            Subject: request.Subject, TextBody: request.TextBody, HtmlBody: request.HtmlBody);

        var caller = context.Caller();
        var mailbox = await senders.AuthorizeAsync(caller.IsAdmin ? null : caller.MailboxId, composition.From);
        var message = composer.Compose(composition);
        var record = await pipeline.SubmitAsync(mailbox, composition.From, message, composition.EnvelopeRecipients, context.CancellationToken);
        return record.ToProto();
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListOutboundResponse> ListOutbound(ListOutboundRequest request, ServerCallContext context)
    {
        if (request.Limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        var caller = context.Caller();
        var records = await outbound.ListAsync(caller.IsAdmin ? null : caller.MailboxId, null, Math.Min(request.Limit == 0 ? DefaultLimit : request.Limit, MaxLimit));
        return new ListOutboundResponse { Messages = { records.Select(r => r.ToProto()) } };
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<OutboundMessage> GetOutbound(GetOutboundRequest request, ServerCallContext context)
    {
        var record = await outbound.FindAsync(request.Id);
        // Another mailbox's message answers exactly like a missing one.
        if (record is null || !context.Caller().CanAccessMailbox(record.MailboxId))
            throw new MailServerException(ErrorKind.NotFound, $"No outbound message with id {request.Id}.");
        return record.ToProto();
    }
}
