using Dapper;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Operations;

/// <summary>The counts on the operator's overview, each one indexed query on the database.</summary>
public sealed class ServerStatistics(Database database, TimeProvider time)
{
    public async Task<ServerStats> GetAsync(CancellationToken cancellationToken)
    {
        var midnight = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<(long Domains, long Active, long Disabled, long Aliases, long Received, long Sent)>(
            """
            SELECT (SELECT COUNT(*) FROM domains),
                   (SELECT COUNT(*) FROM mailboxes WHERE active = 1),
                   (SELECT COUNT(*) FROM mailboxes WHERE active = 0),
                   (SELECT COUNT(*) FROM aliases),
                   (SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder_id
                     WHERE m.received_at >= @midnight AND COALESCE(f.special_use, '') <> @sent),
                   (SELECT COUNT(*) FROM outbound_messages WHERE created_at >= @midnight)
            """, new { midnight, sent = SpecialFolders.SentSpecialUse });
        var stats = new ServerStats
        {
            Domains = counts.Domains, Mailboxes = counts.Active, DisabledMailboxes = counts.Disabled, Aliases = counts.Aliases,
            ReceivedToday = counts.Received, SentToday = counts.Sent,
        };
        foreach (var (state, count) in await connection.QueryAsync<(string, long)>("SELECT state, COUNT(*) FROM outbound_messages GROUP BY state"))
            stats.OutboundByState[state] = count;
        return stats;
    }
}
