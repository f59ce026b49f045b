using System.Globalization;
using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Messages;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class MessagesApi(MailboxAccess access, MailboxReader reader) : V1.Messages.MessagesBase
{
    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        DateTimeOffset? before = null;
        if (!string.IsNullOrEmpty(request.Before))
        {
            if (!DateTimeOffset.TryParse(request.Before, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                throw new MailServerException(ErrorKind.InvalidArgument, $"before: '{EmailAddress.Shorten(request.Before)}' is not an RFC 3339 time such as 2026-11-24T15:31:47Z.");
            before = parsed;
        }
        var records = await reader.ListAsync(mailbox, request.Folder, request.Limit, before);
        return new ListMessagesResponse { Messages = { records.Select(r => r.ToSummary()) } };
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<Message> GetMessage(GetMessageRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Address))
            throw new MailServerException(ErrorKind.InvalidArgument, "address is required: the mailbox the message is in (?address=...).");
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var (record, mime) = await reader.GetAsync(mailbox, request.Id);
        return new Message
        {
            Id = record.Id, Subject = record.Subject, From = record.FromHeader, To = record.ToHeader, Date = record.DateHeader,
            Body = MessageBody.Text(mime), Flags = { MessageFlags.List(record.Flags) },
        };
    }
}
