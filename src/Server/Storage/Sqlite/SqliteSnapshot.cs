using Dapper;
using Microsoft.Data.Sqlite;

namespace OpenMailserver.Server.Storage;

/// <summary>A consistent copy of the database file, for backups: written from the live database, then read
/// on its own (also offline, by the command line) to list and check what it holds.</summary>
public static class SqliteSnapshot
{
    /// <summary>Copies the live database to <paramref name="path"/> as of one moment (VACUUM INTO), without
    /// stopping writers.</summary>
    public static async Task WriteAsync(Database database, string path, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("VACUUM INTO @path", new { path });
    }

    /// <summary>The message files the snapshot's index and outbound records point at.</summary>
    public static async Task<IReadOnlyList<string>> ReferencedBlobsAsync(string path)
    {
        await using var connection = OpenReadOnly(path);
        return (await connection.QueryAsync<string>("SELECT blob FROM messages UNION SELECT blob FROM outbound_messages ORDER BY 1")).AsList();
    }

    /// <summary>Checks a snapshot's integrity and counts what it holds; a file that is not a readable database
    /// gives a problem, not an exception.</summary>
    public static async Task<SnapshotContents> CheckAsync(string path)
    {
        try
        {
            await using var connection = OpenReadOnly(path);
            var integrity = await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check");
            if (integrity != "ok") return SnapshotContents.Unreadable($"The database snapshot fails SQLite's integrity check: {integrity}");
            var blobs = (await connection.QueryAsync<string>("SELECT blob FROM messages UNION SELECT blob FROM outbound_messages")).AsList();
            async Task<long> Count(string table) => await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
            return new SnapshotContents(null, blobs, await Count("mailboxes"), await Count("aliases"), await Count("messages"), await Count("outbound_messages"));
        }
        catch (SqliteException e)
        {
            return SnapshotContents.Unreadable($"The database snapshot cannot be read: {e.Message}");
        }
    }

    /// <summary>Lets go of every pooled connection, so a snapshot's file can be deleted or replaced.</summary>
    public static void ReleaseFiles() => SqliteConnection.ClearAllPools();

    private static SqliteConnection OpenReadOnly(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
}

/// <summary>What a snapshot holds, or why it cannot be read (<see cref="Problem"/>).</summary>
public sealed record SnapshotContents(string? Problem, IReadOnlyList<string> Blobs, long Mailboxes, long Aliases, long Messages, long OutboundMessages)
{
    public static SnapshotContents Unreadable(string problem) => new(problem, [], 0, 0, 0, 0);
}
