using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Delivery;

/// <summary>Turns a recipient address into the hosted mailboxes it reaches, following aliases (which may
/// point at other aliases; loops are refused when aliases are created, and cut here all the same).</summary>
public sealed class RecipientResolver(IMailboxRepository mailboxes, IAliasRepository aliases)
{
    private const int MaxExpansion = 100;

    public async Task<RecipientResolution> ResolveAsync(string address, IUnitOfWork? tx = null)
    {
        var domain = address[(address.LastIndexOf('@') + 1)..];
        if (!await mailboxes.DomainExistsAsync(domain, tx)) return RecipientResolution.NotHosted;

        var found = new List<MailboxRecord>();
        var seen = new HashSet<string>();
        var pending = new Queue<string>([address]);
        while (pending.TryDequeue(out var next) && seen.Count < MaxExpansion)
        {
            if (!seen.Add(next)) continue;
            if (await mailboxes.FindByAddressAsync(next, tx) is { } mailbox)
            {
                if (found.All(m => m.Id != mailbox.Id)) found.Add(mailbox);
                continue;
            }
            if (await aliases.FindBySourceAsync(next, tx) is { } alias)
                foreach (var destination in alias.Destinations) pending.Enqueue(destination);
        }
        return found.Count == 0 ? RecipientResolution.Unknown : RecipientResolution.To(found);
    }
}
