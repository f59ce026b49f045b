using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery;

/// <summary>Stores a message that arrived from outside (the SMTP MX) for hosted recipients:
/// prepared once by <see cref="MessageIngest"/>, then one unit of work that resolves each recipient and
/// stores into its mailboxes' INBOX. All or nothing: if any mailbox refuses, nothing is stored and the caller
/// answers with a temporary failure, so the sender retries instead of mail being half-delivered.</summary>
public sealed class InboundDelivery(
    IStore store, MessageIngest ingest, RecipientResolver resolver, TimeProvider time)
{
    /// <returns>The stored message ids, or the reason nothing was stored.</returns>
    public async Task<InboundDeliveryResult> DeliverAsync(ReadOnlyMemory<byte> raw, IReadOnlyList<string> recipients, CancellationToken cancellationToken = default)
    {
        var prepared = await ingest.PrepareAsync(raw, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var delivered = new HashSet<long>();
        try
        {
            var stored = await store.WriteAsync(async tx =>
            {
                var ids = new List<string>();
                foreach (var recipient in recipients)
                {
                    var resolution = await resolver.ResolveAsync(recipient, tx);
                    if (!resolution.IsLocal) throw new RefusedException($"{recipient} no longer exists here");
                    // An alias reaching a disabled mailbox still delivers to its other members.
                    var active = resolution.Mailboxes.Where(m => m.IsActive).ToList();
                    if (active.Count == 0) throw new RefusedException($"{recipient} is disabled");
                    foreach (var mailbox in active.Where(m => delivered.Add(m.Id)))
                    {
                        var result = await ingest.DeliverAsync(tx, mailbox, prepared, now);
                        ids.Add(result.Message?.Id ?? throw new RefusedException(result.Reason!));
                    }
                }
                return ids;
            }, cancellationToken);
            return new InboundDeliveryResult(stored, null);
        }
        catch (RefusedException refused)
        {
            return new InboundDeliveryResult([], refused.Message);
        }
    }

    private sealed class RefusedException(string message) : Exception(message);
}
