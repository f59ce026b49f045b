using Google.Api;
using Google.Protobuf;
using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Submission;
using OpenMailserver.Server.Views;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class MessagesApi(
    MailboxAccess access, MailboxReader reader, MailboxOrganizer organizer, ReplyComposer replies, MessageComposer composer,
    SubmissionPipeline pipeline, IdempotentSends idempotent, MessageImport import) : V1.Messages.MessagesBase
{
    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var query = new MessageQuery(mailbox.Id, 0)
        {
            Unread = request.HasUnread ? request.Unread : null,
            From = request.From, To = request.To, Subject = request.Subject,
            Text = string.IsNullOrWhiteSpace(request.Text) ? null : SearchQuery.ToFts5(request.Text) ?? NothingToFind(request.Text),
            Since = TimeParameter.Parse(request.Since, "since"), Before = TimeParameter.Parse(request.Before, "before"),
            ThreadId = string.IsNullOrEmpty(request.ThreadId) ? null : request.ThreadId,
            After = PagePosition.Parse(request.PageToken),
        };
        var (page, next) = await reader.ListAsync(mailbox, request.Folder, request.Limit, query, context.CancellationToken);
        var folders = await reader.FolderNamesAsync(mailbox);
        var token = next?.ToToken() ?? "";
        context.SetNextPageToken(token);
        return new ListMessagesResponse { Messages = { page.Select(r => r.ToSummary(folders)) }, NextPageToken = token };
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListFoldersResponse> ListFolders(ListFoldersRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var folders = await reader.FoldersAsync(mailbox);
        return new ListFoldersResponse
        {
            Folders = { folders.Select(f => new Folder { Name = f.Folder.Name, SpecialUse = f.Folder.SpecialUse ?? "", Messages = f.Messages, Unread = f.Unseen, Size = f.Folder.TotalSize }) },
        };
    }

    [RequiresScope(Scopes.Admin)]
    public override async Task<ImportMessagesResponse> ImportMessages(ImportMessagesRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var items = request.Messages.Select(m => new MessageImport.Item(m.Raw.Memory, m.Key, m.ReceivedAt?.ToDateTimeOffset(), m.Flags)).ToList();
        var result = await import.ImportAsync(mailbox, SpecialFolders.Normalize(request.Folder), items, context.CancellationToken);
        return new ImportMessagesResponse { Imported = result.Imported, Skipped = result.Skipped };
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<V1.Message> GetMessage(GetMessageRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        var (record, mime, truncated) = await reader.GetAsync(mailbox, request.Id);
        var folders = await reader.FolderNamesAsync(mailbox);
        return MessageView.ToMessage(record, mime, truncated, folders.GetValueOrDefault(record.FolderId, ""));
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<HttpBody> GetRawMessage(GetMessageRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        var raw = await reader.ReadRawAsync(mailbox, request.Id, context.CancellationToken);
        return new HttpBody { ContentType = "message/rfc822", Data = UnsafeByteOperations.UnsafeWrap(raw) };
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<HttpBody> GetAttachment(GetAttachmentRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        var (_, mime, _) = await reader.GetAsync(mailbox, request.Id);
        var part = MessageParts.Find(mime, request.AttachmentId)
                   ?? throw new MailServerException(ErrorKind.NotFound, $"Message {request.Id} has no attachment '{EmailAddress.Shorten(request.AttachmentId)}'.");
        context.GetHttpContext().Response.Headers.ContentDisposition =
            new System.Net.Mime.ContentDisposition { FileName = AttachmentFileName.For(request.AttachmentId, part), DispositionType = "attachment" }.ToString();
        return new HttpBody { ContentType = part.ContentType.MimeType, Data = UnsafeByteOperations.UnsafeWrap(MessageParts.Content(part)) };
    }

    [RequiresScope(Scopes.MailModify)]
    public override async Task<V1.Message> UpdateMessage(UpdateMessageRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        await organizer.UpdateAsync(mailbox, request.Id, new MailboxOrganizer.Change(
            request.HasSeen ? request.Seen : null, request.HasFlagged ? request.Flagged : null, request.AddLabels, request.RemoveLabels,
            request.HasFolder ? request.Folder : null));
        return await GetMessage(new GetMessageRequest { Id = request.Id, Address = request.Address }, context);
    }

    [RequiresScope(Scopes.MailModify)]
    public override async Task<DeleteMessageResponse> DeleteMessage(DeleteMessageRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        var folder = await organizer.DeleteAsync(mailbox, request.Id);
        return new DeleteMessageResponse { Id = request.Id, Folder = folder ?? "", Deleted = folder is null };
    }

    [RequiresScope(Scopes.MailSend)]
    public override async Task<OutboundMessage> ReplyToMessage(ReplyRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        var key = context.IdempotencyKey(request.IdempotencyKey);
        var record = await idempotent.SendAsync(mailbox, key, CallContextExtensions.WithoutKey(request, r => r.IdempotencyKey = ""), async claim =>
        {
            var (original, mime, _) = await reader.GetAsync(mailbox, request.Id);
            var from = EmailAddress.Parse(mailbox.Address, "address");
            var composition = replies.ComposeReply(from, mime, new ReplyComposer.Reply(
                request.TextBody, request.HtmlBody, request.ReplyAll, request.Quote, Addresses(request.Cc, "cc"), Addresses(request.Bcc, "bcc"),
                MailApi.Attachments(request.Attachments)));
            var sent = await pipeline.SubmitAsync(mailbox, from, composer.Compose(composition), composition.EnvelopeRecipients, context.CancellationToken, claim);
            try { await organizer.MarkAnsweredAsync(mailbox, original.Id); }
            catch (MailServerException e) when (e.Kind == ErrorKind.NotFound) { } // deleted meanwhile: the reply stands
            return sent;
        }, context.CancellationToken);
        return record.ToProto();
    }

    [RequiresScope(Scopes.MailSend)]
    public override async Task<OutboundMessage> ForwardMessage(ForwardRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), RequiredAddress(request.Address));
        if (request.Recipients.Count == 0)
            throw new MailServerException(ErrorKind.InvalidArgument, "recipients must name at least one address to forward to.");
        var key = context.IdempotencyKey(request.IdempotencyKey);
        var record = await idempotent.SendAsync(mailbox, key, CallContextExtensions.WithoutKey(request, r => r.IdempotencyKey = ""), async claim =>
        {
            var (_, mime, _) = await reader.GetAsync(mailbox, request.Id);
            var from = EmailAddress.Parse(mailbox.Address, "address");
            var composition = replies.ComposeForward(from, mime, Addresses(request.Recipients, "recipients"), Addresses(request.Cc, "cc"),
                Addresses(request.Bcc, "bcc"), request.TextBody);
            return await pipeline.SubmitAsync(mailbox, from, composer.Compose(composition), composition.EnvelopeRecipients, context.CancellationToken, claim);
        }, context.CancellationToken);
        return record.ToProto();
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListThreadsResponse> ListThreads(ListThreadsRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var (page, next) = await reader.ListThreadsAsync(mailbox, request.Limit, PagePosition.Parse(request.PageToken));
        var folders = await reader.FolderNamesAsync(mailbox);
        var token = next?.ToToken() ?? "";
        context.SetNextPageToken(token);
        return new ListThreadsResponse { Threads = { page.Select(t => ToThread(t.Thread, t.Messages, folders)) }, NextPageToken = token };
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<V1.Thread> GetThread(GetThreadRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var (thread, messages) = await reader.GetThreadAsync(mailbox, request.ThreadId);
        return ToThread(thread, messages, await reader.FolderNamesAsync(mailbox));
    }

    private static V1.Thread ToThread(ThreadRecord thread, IReadOnlyList<MessageRecord> messages, IReadOnlyDictionary<long, string> folders) => new()
    {
        ThreadId = thread.ThreadId, Subject = ThreadSubject.Strip(messages.FirstOrDefault()?.Subject ?? ""), MessageCount = (int)thread.Messages,
        UnreadCount = (int)thread.Unread, LastMessageAt = ProtoTime.From(thread.LastAt), Messages = { messages.Select(m => m.ToSummary(folders)) },
    };

    private static string RequiredAddress(string address) => string.IsNullOrWhiteSpace(address)
        ? throw new MailServerException(ErrorKind.InvalidArgument, "address is required: the mailbox the message is in (?address=...).")
        : address;

    private static IReadOnlyList<EmailAddress> Addresses(IEnumerable<string> values, string field) => values.Select(v => EmailAddress.Parse(v, field)).ToList();

    private static string NothingToFind(string text) =>
        throw new MailServerException(ErrorKind.InvalidArgument, $"text: '{EmailAddress.Shorten(text)}' has no words to search for.");
}
