using Google.Protobuf;
using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Submission;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class MailApi(
    MessageComposer composer, SenderPolicy senders, SubmissionPipeline pipeline, IOutboundRepository outbound, IdempotentSends idempotent) : V1.Mail.MailBase
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
            Subject: request.Subject, TextBody: request.TextBody, HtmlBody: request.HtmlBody)
        {
            Attachments = Attachments(request.Attachments),
            ReplyTo = string.IsNullOrWhiteSpace(request.ReplyTo) ? null : EmailAddress.Parse(request.ReplyTo, "reply_to"),
        };

        var caller = context.Caller();
        var mailbox = await senders.AuthorizeAsync(caller.IsAdmin ? null : caller.MailboxId, composition.From);
        var key = context.IdempotencyKey(request.IdempotencyKey);
        var record = await idempotent.SendAsync(mailbox, key, CallContextExtensions.WithoutKey(request, r => r.IdempotencyKey = ""), claim =>
            pipeline.SubmitAsync(mailbox, composition.From, composer.Compose(composition), composition.EnvelopeRecipients, context.CancellationToken, claim),
            context.CancellationToken);
        return record.ToProto();
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListOutboundResponse> ListOutbound(ListOutboundRequest request, ServerCallContext context)
    {
        if (request.Limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        if (request.State.Length > 0 && !OutboundState.All.Contains(request.State))
            throw new MailServerException(ErrorKind.InvalidArgument, $"state must be one of {string.Join(", ", OutboundState.All)}.");
        var caller = context.Caller();
        var limit = Math.Min(request.Limit == 0 ? DefaultLimit : request.Limit, MaxLimit);
        long? after = null;
        if (PagePosition.Parse(request.PageToken) is { } position)
            after = long.TryParse(position.Id, out var id) ? id : throw new MailServerException(ErrorKind.InvalidArgument, "page_token is not a token this server returned; start again without it.");
        var records = await outbound.QueryAsync(new OutboundQuery(caller.IsAdmin ? null : caller.MailboxId, limit + 1)
        {
            State = NullIfEmpty(request.State), Sender = Address(request.Sender, "sender"), Recipient = Address(request.Recipient, "recipient"),
            Subject = NullIfEmpty(request.Subject), Since = TimeParameter.Parse(request.Since, "since"), Before = TimeParameter.Parse(request.Before, "before"),
            AfterId = after,
        });
        var page = records.Take(limit).ToList();
        var token = records.Count > limit ? new PagePosition(page[^1].CreatedAt, page[^1].Id.ToString()).ToToken() : "";
        context.SetNextPageToken(token);
        return new ListOutboundResponse { Messages = { page.Select(r => r.ToProto()) }, NextPageToken = token };
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

    /// <summary>The attachments of a send or reply request.</summary>
    internal static IReadOnlyList<AttachmentContent> Attachments(IEnumerable<Attachment> attachments) => attachments
        .Select(a => new AttachmentContent(a.Filename, a.ContentType, a.ContentBase64.Memory, NullIfEmpty(a.ContentId)))
        .ToList();

    private static string? Address(string value, string field) => string.IsNullOrWhiteSpace(value) ? null : EmailAddress.Parse(value, field).ToString();

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
