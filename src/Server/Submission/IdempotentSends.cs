using System.Security.Cryptography;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Submission;

/// <summary>Makes a send with an idempotency key happen once: a retry with the same key (per mailbox,
/// within <see cref="Window"/>) gets the first send's outbound message back instead of sending again, also
/// when the two arrive at the same time. The key is claimed in the same transaction that records the
/// send, so a crash cannot leave a send without its claim.</summary>
public sealed class IdempotentSends(IOutboundRepository outbound, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
    public const int MaxKeyLength = 255;

    // Concurrent sends with one key queue on its stripe; different keys rarely share one.
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <param name="request">The request as bytes without the key, so reusing a key for another message is caught.</param>
    public async Task<OutboundRecord> SendAsync(MailboxRecord mailbox, string? key, byte[] request, Func<IdempotencyClaim?, Task<OutboundRecord>> send,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key)) return await send(null);
        if (key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7e))
            throw new MailServerException(ErrorKind.InvalidArgument, $"The idempotency key must be 1 to {MaxKeyLength} printable ASCII characters without spaces (a UUID is ideal).");
        var hash = SHA256.HashData(request);
        var stripe = _stripes[(uint)HashCode.Combine(mailbox.Id, key) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            var since = time.GetUtcNow().Add(-Window).ToUnixTimeMilliseconds();
            if (await outbound.FindIdempotencyKeyAsync(mailbox.Id, key, since) is { } earlier)
            {
                if (!CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash))
                    throw new MailServerException(ErrorKind.FailedPrecondition,
                        "This idempotency key was already used for a different message in the last 24 hours; use a new key for a new message.");
                return await outbound.FindAsync(earlier.OutboundId)
                       ?? throw new MailServerException(ErrorKind.NotFound, "The message first sent with this idempotency key no longer exists.");
            }
            return await send(new IdempotencyClaim(key, hash));
        }
        finally
        {
            stripe.Release();
        }
    }
}
