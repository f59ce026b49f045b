using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>Aliases on hosted domains. A destination may be a mailbox or another alias; creation refuses
/// unknown destinations and anything that would make a loop.</summary>
public sealed class AliasService(IStore store, IAliasRepository aliases, IMailboxRepository mailboxes, TimeProvider time, ILogger<AliasService> logger)
{
    public const int MaxDestinations = 50;

    public async Task<AliasRecord> CreateAsync(string? source, string? destination)
    {
        var from = EmailAddress.Parse(source ?? "", "source").ToString();
        if (string.IsNullOrWhiteSpace(destination))
            throw new MailServerException(ErrorKind.InvalidArgument, "destination is required: one or more hosted addresses, comma-separated.");
        var targets = destination.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => EmailAddress.Parse(d, "destination").ToString()).Distinct().ToList();
        if (targets.Count == 0)
            throw new MailServerException(ErrorKind.InvalidArgument, "destination is required: one or more hosted addresses, comma-separated.");
        if (targets.Count > MaxDestinations)
            throw new MailServerException(ErrorKind.InvalidArgument, $"An alias may have at most {MaxDestinations} destinations.");

        try
        {
            var id = await store.WriteAsync(async tx =>
            {
                if (!await mailboxes.DomainExistsAsync(from[(from.IndexOf('@') + 1)..], tx))
                    throw new MailServerException(ErrorKind.InvalidArgument, $"source {from} is not on a hosted domain; create a mailbox on that domain first.");
                if (await mailboxes.FindByAddressAsync(from, tx) is not null)
                    throw new MailServerException(ErrorKind.AlreadyExists, $"{from} is a mailbox; an alias cannot have the same address.");
                if (await aliases.FindBySourceAsync(from, tx) is not null)
                    throw new MailServerException(ErrorKind.AlreadyExists, $"The alias {from} already exists.");

                var all = (await aliases.ListAsync(tx)).ToDictionary(a => a.Source, a => a.Destinations);
                foreach (var target in targets)
                {
                    if (target == from)
                        throw new MailServerException(ErrorKind.InvalidArgument, $"destination {target} is the alias itself: that would loop.");
                    if (await mailboxes.FindByAddressAsync(target, tx) is null && !all.ContainsKey(target))
                        throw new MailServerException(ErrorKind.InvalidArgument, $"destination {target} is neither a hosted mailbox nor an alias.");
                }
                all[from] = targets;
                if (ReachesItself(from, all))
                    throw new MailServerException(ErrorKind.InvalidArgument, $"This alias would make a loop: following its destinations leads back to {from}.");
                return await aliases.InsertAsync(tx, from, string.Join(",", targets), time.GetUtcNow().ToUnixTimeMilliseconds());
            });
            logger.LogInformation("Created alias {Source} -> {Destination}", from, string.Join(",", targets));
            return (await aliases.FindByIdAsync(id))!;
        }
        catch (DuplicateKeyException)
        {
            throw new MailServerException(ErrorKind.AlreadyExists, $"The alias {from} already exists.");
        }
    }

    public Task<IReadOnlyList<AliasRecord>> ListAsync() => aliases.ListAsync();

    public async Task<AliasRecord> DeleteAsync(long id)
    {
        var alias = await aliases.FindByIdAsync(id) ?? throw new MailServerException(ErrorKind.NotFound, $"No alias with id {id}.");
        await store.WriteAsync(tx => aliases.DeleteAsync(tx, id));
        logger.LogInformation("Deleted alias {Source}", alias.Source);
        return alias;
    }

    private static bool ReachesItself(string start, IReadOnlyDictionary<string, IReadOnlyList<string>> graph)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>(graph[start]);
        while (pending.TryPop(out var next))
        {
            if (next == start) return true;
            if (!seen.Add(next) || !graph.TryGetValue(next, out var more)) continue;
            foreach (var m in more) pending.Push(m);
        }
        return false;
    }
}
