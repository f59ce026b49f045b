using Dapper;

namespace OpenMailserver.Server.Storage;

/// <summary>The overview's counts, each one indexed query.</summary>
public sealed class SqliteServerCounts(Database database)
{
    /// <param name="since">Unix milliseconds: what arrived and was sent from then on is counted.</param>
    /// <param name="sentSpecialUse">The special use of Sent folders, whose copies are not mail received.</param>
    public async Task<ServerCounts> CountAsync(long since, string sentSpecialUse, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<(long Domains, long Active, long Disabled, long Aliases, long Received, long Sent)>(
            """
            SELECT (SELECT COUNT(*) FROM domains),
                   (SELECT COUNT(*) FROM mailboxes WHERE active = 1),
                   (SELECT COUNT(*) FROM mailboxes WHERE active = 0),
                   (SELECT COUNT(*) FROM aliases),
                   (SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder_id
                     WHERE m.received_at >= @since AND COALESCE(f.special_use, '') <> @sent),
                   (SELECT COUNT(*) FROM outbound_messages WHERE created_at >= @since)
            """, new { since, sent = sentSpecialUse });
        var byState = (await connection.QueryAsync<(string State, long Count)>("SELECT state, COUNT(*) FROM outbound_messages GROUP BY state"))
            .ToDictionary(r => r.State, r => r.Count);
        return new ServerCounts(counts.Domains, counts.Active, counts.Disabled, counts.Aliases, counts.Received, counts.Sent, byState);
    }
}
