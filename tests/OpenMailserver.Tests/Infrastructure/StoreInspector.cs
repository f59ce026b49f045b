using Dapper;
using Microsoft.Data.Sqlite;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>Reads a server's data directory directly, to check what is really on disk.</summary>
public static class StoreInspector
{
    public static async Task<byte[]> RawMessageAsync(string dataDirectory, string messageId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "openmailserver.db")};Mode=ReadOnly;Pooling=False");
        var blob = await connection.ExecuteScalarAsync<string>("SELECT blob FROM messages WHERE id = @messageId", new { messageId });
        Assert.NotNull(blob);
        return await File.ReadAllBytesAsync(Path.Combine(dataDirectory, "messages", blob![..2], blob + ".eml"));
    }

    public static async Task<T> ScalarAsync<T>(string dataDirectory, string sql, object? args = null)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "openmailserver.db")};Mode=ReadOnly;Pooling=False");
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }
}
