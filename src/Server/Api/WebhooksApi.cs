using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Views;
using OpenMailserver.Server.Webhooks;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class WebhooksApi(WebhookService webhooks, IMailboxRepository mailboxes) : V1.Webhooks.WebhooksBase
{
    [RequiresScope(Scopes.MailRead)]
    public override async Task<Webhook> CreateWebhook(CreateWebhookRequest request, ServerCallContext context)
    {
        var (webhook, secret) = await webhooks.CreateAsync(context.Caller(), request.Address, request.Url, request.EventTypes, context.CancellationToken);
        var proto = await ToProtoAsync(webhook);
        proto.Secret = secret;
        return proto;
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListWebhooksResponse> ListWebhooks(ListWebhooksRequest request, ServerCallContext context)
    {
        var response = new ListWebhooksResponse();
        foreach (var webhook in await webhooks.ListAsync(context.Caller())) response.Webhooks.Add(await ToProtoAsync(webhook));
        return response;
    }

    [RequiresScope(Scopes.MailRead)]
    public override async Task<Webhook> DeleteWebhook(DeleteWebhookRequest request, ServerCallContext context) =>
        await ToProtoAsync(await webhooks.DeleteAsync(context.Caller(), request.Id));

    [RequiresScope(Scopes.MailRead)]
    public override async Task<ListWebhookDeliveriesResponse> ListWebhookDeliveries(ListWebhookDeliveriesRequest request, ServerCallContext context)
    {
        if (request.Limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        var deliveries = await webhooks.DeliveriesAsync(context.Caller(), request.Id, Math.Min(request.Limit == 0 ? 100 : request.Limit, 1000));
        return new ListWebhookDeliveriesResponse
        {
            Deliveries =
            {
                deliveries.Select(d => new WebhookDelivery
                {
                    Id = d.Id, EventId = d.EventId, EventType = d.EventType, State = d.State, Attempts = (int)d.Attempts, LastStatus = (int)d.LastStatus,
                    LastError = d.LastError, NextAttemptAt = ProtoTime.From(d.State == WebhookDeliveryState.Pending ? d.NextAttemptAt : null),
                    DeliveredAt = ProtoTime.From(d.DeliveredAt), CreatedAt = ProtoTime.From(d.CreatedAt),
                }),
            },
        };
    }

    private async Task<Webhook> ToProtoAsync(WebhookRecord w) => new()
    {
        Id = w.Id, Url = w.Url, EventTypes = { w.EventTypeList }, CreatedAt = ProtoTime.From(w.CreatedAt),
        Address = w.MailboxId is { } id ? (await mailboxes.FindByIdAsync(id))?.Address ?? "" : "",
    };
}
