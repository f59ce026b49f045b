using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Webhooks;

/// <summary>Creating, listing and deleting webhooks with least privilege: a mailbox key reaches only webhooks
/// of its own mailbox; a webhook on every mailbox, and other mailboxes' webhooks, need the admin key.</summary>
public sealed class WebhookService(IWebhookRepository webhooks, MailboxService mailboxes, WebhookTargetPolicy targets, WebhookSecrets secrets,
    WebhookDispatcher dispatcher, TimeProvider time)
{
    public const int MaxPerMailbox = 20;

    public async Task<(WebhookRecord Webhook, string Secret)> CreateAsync(Caller caller, string? address, string? url, IReadOnlyList<string> eventTypes,
        CancellationToken cancellationToken)
    {
        var unknown = eventTypes.FirstOrDefault(t => !MailboxEventType.All.Contains(t));
        if (unknown is not null)
            throw new MailServerException(ErrorKind.InvalidArgument, $"event_types: '{EmailAddress.Shorten(unknown)}' is not one of {string.Join(", ", MailboxEventType.All.Order())}.");
        long? mailboxId = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            if (!caller.IsAdmin)
                throw new MailServerException(ErrorKind.PermissionDenied, "A webhook for every mailbox needs the admin key; give address to watch your own mailbox.");
        }
        else
        {
            var mailbox = await mailboxes.GetForAsync(caller, address);
            mailboxId = mailbox.Id;
            if ((await webhooks.ListAsync(mailboxId)).Count >= MaxPerMailbox)
                throw new MailServerException(ErrorKind.ResourceExhausted, $"{mailbox.Address} already has {MaxPerMailbox} webhooks; delete one first.");
        }
        var target = await targets.ValidateAsync(url, cancellationToken);
        var nonce = WebhookSecrets.NewNonce();
        var webhook = await webhooks.InsertAsync(mailboxId, caller.KeyId, target.ToString(), string.Join(' ', eventTypes.Distinct()), nonce, time.GetUtcNow().ToUnixTimeMilliseconds());
        dispatcher.Wake();
        return (webhook, secrets.SecretFor(nonce));
    }

    public async Task<IReadOnlyList<WebhookRecord>> ListAsync(Caller caller) =>
        caller.IsAdmin ? await webhooks.ListAsync(null) : await webhooks.ListAsync(caller.MailboxId);

    public async Task<WebhookRecord> DeleteAsync(Caller caller, long id)
    {
        var webhook = await FindAsync(caller, id);
        await webhooks.DeleteAsync(id, time.GetUtcNow().ToUnixTimeMilliseconds());
        return webhook;
    }

    public async Task<IReadOnlyList<WebhookDeliveryRecord>> DeliveriesAsync(Caller caller, long id, int limit)
    {
        await FindAsync(caller, id);
        return await webhooks.ListDeliveriesAsync(id, limit);
    }

    /// <summary>Another mailbox's webhook answers exactly like a missing one.</summary>
    private async Task<WebhookRecord> FindAsync(Caller caller, long id)
    {
        var webhook = await webhooks.FindAsync(id);
        if (webhook is null || !(caller.IsAdmin || (webhook.MailboxId is { } m && caller.CanAccessMailbox(m))))
            throw new MailServerException(ErrorKind.NotFound, $"No webhook with id {id}.");
        return webhook;
    }
}
